"""``manage.py webhooksecret <id or name>``: generate a new signing secret for a monitor's webhooks and print it once."""

from django.core.management.base import BaseCommand, CommandError

from monitors.selectors import monitor_by_id_or_name
from notifications.services import webhook_secret_rotate


class Command(BaseCommand):
    help = "Generate a new webhook signing secret for a monitor (the old one stops working) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("monitor", help="Monitor id or exact name.")

    def handle(self, *args, monitor, **options):
        found = monitor_by_id_or_name(monitor)
        if found is None:
            raise CommandError(f"No monitor with id or name '{monitor}'.")
        secret = webhook_secret_rotate(found)
        self.stderr.write(f"New webhook secret for '{found.name}'. Store it now; it is not shown again.")
        self.stdout.write(secret)
