"""``manage.py setupschedules``: the django-q2 Schedule that ticks the dispatcher every minute.

Idempotent. The loop process (``manage.py dispatcher``) gives sub-minute
precision; this Schedule keeps monitors running, at minute precision, when
no loop process is up. Both may run at once: a slot is claimed once.
"""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

SCHEDULE_NAME = "logmonitor: dispatch due monitors"
TICK_FUNC = "runs.tasks.dispatcher_tick"


class Command(BaseCommand):
    help = "Create (or repair) the django-q2 Schedule that runs the dispatcher tick every minute."

    def handle(self, *args, **options):
        existing = list(Schedule.objects.filter(name=SCHEDULE_NAME).order_by("pk"))
        for duplicate in existing[1:]:  # Schedule.name is not unique in django-q2
            duplicate.delete()
        wanted = {"func": TICK_FUNC, "schedule_type": Schedule.MINUTES, "minutes": 1, "repeats": -1}
        if existing:
            schedule = existing[0]
            changed = any(getattr(schedule, key) != value for key, value in wanted.items())
            for key, value in wanted.items():
                setattr(schedule, key, value)
            if changed:
                schedule.save()
            self.stdout.write(f"Schedule '{SCHEDULE_NAME}' {'updated' if changed else 'already in place'}.")
        else:
            Schedule.objects.create(name=SCHEDULE_NAME, **wanted)
            self.stdout.write(f"Schedule '{SCHEDULE_NAME}' created: dispatcher tick every minute.")
