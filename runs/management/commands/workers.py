"""``manage.py workers``: django-q2's ``qcluster``, stopped gracefully by a process manager.

Process managers (honcho, foreman, systemd's default KillMode) signal the
whole process group on stop. django-q2's worker processes die on that
SIGTERM while the cluster leader waits for them, so the leader hangs until
it is killed. Here the cluster runs in a session of its own and only its
leader is told to stop; on Linux it is also told when this wrapper dies.
"""

import ctypes
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

PR_SET_PDEATHSIG = 1


def _stop_with_parent():
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: the process manager's group signal still reaches us
        pass


class Command(BaseCommand):
    help = "Run the django-q2 cluster (qcluster) and stop it gracefully on SIGTERM or Ctrl-C."

    def handle(self, *args, **options):
        cluster = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "qcluster"],
            start_new_session=True,
            preexec_fn=_stop_with_parent,
        )

        def stop(signum, frame):
            cluster.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        sys.exit(cluster.wait())
