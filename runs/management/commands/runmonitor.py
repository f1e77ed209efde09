"""``manage.py runmonitor <id or name>``: run one monitor now and print the verdict."""

from django.core.management.base import BaseCommand, CommandError

from monitors.selectors import monitor_by_id_or_name
from runs.digest import digest_preview
from runs.models import MonitorRun
from runs.pipeline import run_monitor
from runs.services import RunInProgress


class Command(BaseCommand):
    help = "Run a monitor now (or only collect its logs) and print the outcome."

    def add_arguments(self, parser):
        parser.add_argument("monitor", help="Monitor id or exact name.")
        parser.add_argument("--collect-only", action="store_true", help="Print exactly the text the LLM would get (redacted, compressed); do not call it.")

    def handle(self, *args, monitor, collect_only, **options):
        found = monitor_by_id_or_name(monitor)
        if found is None:
            raise CommandError(f"No monitor with id or name '{monitor}'.")
        if collect_only:
            self.stdout.write(digest_preview(found).llm_text)
            return
        try:
            run = run_monitor(found, trigger=MonitorRun.Trigger.COMMAND)
        except RunInProgress as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Run {run.pk} of '{found.name}': {run.status.upper()} (LLM said {run.llm_status or '-'})")
        self.stdout.write(f"Summary: {run.summary}")
        for recommendation in run.recommendations:
            self.stdout.write(f"  - {recommendation}")
        deliveries = list(run.deliveries.all())
        self.stdout.write(f"Deliveries: {len(deliveries)}")
        for delivery in deliveries:
            detail = f" ({delivery.error})" if delivery.error else ""
            self.stdout.write(f"  {delivery.channel} -> {delivery.recipient}: {delivery.outcome}{detail}")
        if run.status == MonitorRun.Status.ERROR:
            raise CommandError(f"Run {run.pk} ended in error: {run.error}")
