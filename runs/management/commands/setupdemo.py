"""``manage.py setupdemo``: an admin login and demo monitors on the bundled Loghub samples.

Idempotent: run it as often as you like; it creates what is missing, prints
the login, and runs each demo monitor once so the dashboard has verdicts.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from monitors import services
from monitors.models import Monitor, Target
from runs.models import MonitorRun
from runs.pipeline import run_monitor
from runs.services import RunInProgress

DEMO_LOGS = Path(settings.BASE_DIR) / "demo" / "logs"
DEMO_MONITORS = [
    ("OpenSSH auth", "OpenSSH_2k.log", "Look for brute-force login attempts, invalid users and break-in warnings."),
    ("Apache errors", "Apache_2k.log", "Look for worker failures, missing files and error bursts in the Apache error log."),
    ("Linux syslog", "Linux_2k.log", "Look for authentication failures, kernel problems and crashing services."),
    ("HDFS datanodes", "HDFS_2k.log", "Look for failed block transfers, exceptions and lost datanodes."),
    ("ZooKeeper quorum", "Zookeeper_2k.log", "Look for lost connections, leader elections and exceptions."),
]


class Command(BaseCommand):
    help = "Create an admin login and demo monitors on the bundled sample logs, and run each once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--no-run", action="store_true", help="Do not run the demo monitors now.")

    def handle(self, *args, username, no_run, **options):
        password = self._admin(username)
        target, _ = Target.objects.get_or_create(name="demo-host", defaults={"host": "localhost", "description": "Bundled Loghub samples"})
        for name, filename, prompt in DEMO_MONITORS:
            monitor = Monitor.objects.filter(name=name).first()
            if monitor is None:
                monitor = services.monitor_create(
                    name=name,
                    target=target,
                    interval_seconds=120,
                    prompt=prompt,
                    inputs=[{"label": filename.split("_")[0].lower(), "mode": "file", "path": str(DEMO_LOGS / filename), "max_lines": 2000}],
                    # The samples never grow: read them whole every run, so the
                    # scheduled runs judge the same evidence as the first one.
                    window_config={"incremental": False},
                )
            if not no_run and not monitor.runs.exists():
                try:
                    run = run_monitor(monitor, trigger=MonitorRun.Trigger.MANUAL)
                    self.stdout.write(f"  {monitor.name}: {run.status.upper()} - {run.summary}")
                except RunInProgress:
                    pass
        self.stdout.write(self.style.SUCCESS(f"Log in as '{username}' with password '{password}'"))

    def _admin(self, username: str) -> str:
        """Create the admin once; its password lives in var/ so every start can print it."""
        password_file = Path(settings.VAR_DIR) / "admin_password"
        User = get_user_model()
        if not password_file.exists() or not User.objects.filter(username=username).exists():
            password = secrets.token_urlsafe(12)
            user = User.objects.filter(username=username).first() or User(username=username, email="admin@localhost")
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            password_file.write_text(password)
            password_file.chmod(0o600)
        return password_file.read_text().strip()
