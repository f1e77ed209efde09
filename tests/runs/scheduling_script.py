"""Run by the scheduling tests in a subprocess, against DATABASE_URL; prints one JSON line.

    scheduling_script.py create-monitors COUNT INTERVAL   -> [ids]   (all due now)
    scheduling_script.py race START_EPOCH TICKS           -> [ids enqueued by this process]
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "logmonitor.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from monitors import services  # noqa: E402
from monitors.models import Monitor, Target  # noqa: E402
from monitors.selectors import monitors_due  # noqa: E402
from runs import scheduling  # noqa: E402

ECHO_INPUT = [{"label": "echo", "mode": "command", "command": "echo all quiet"}]


def create_monitors(count: int, interval: int) -> list[int]:
    target, _ = Target.objects.get_or_create(name="sched-host")
    if count == 1:  # the real service, as an operator would
        monitor = services.monitor_create(
            name=f"every {interval}s", target=target, interval_seconds=interval,
            prompt="Look for errors.", inputs=ECHO_INPUT, llm_provider="stub",
        )
        return [monitor.pk]
    now = timezone.now()
    Monitor.objects.bulk_create(
        Monitor(name=f"race-{i}", target=target, interval_seconds=interval, prompt="Look for errors.",
                inputs=ECHO_INPUT, llm_provider="stub", next_run_at=now)
        for i in range(count)
    )
    return list(Monitor.objects.filter(name__startswith="race-").values_list("pk", flat=True))


def race(start_epoch: float, ticks: int, batch_size: int) -> list[int]:
    """Tick ``ticks`` times from ``start_epoch``, claiming in small batches so racers interleave."""
    monitors_due(now=timezone.now(), limit=1)  # connect before the start line
    time.sleep(max(0.0, start_epoch - time.time()))
    enqueued = []
    for _ in range(ticks):
        enqueued += scheduling.dispatch_due(batch_size=batch_size)[0]
    return enqueued


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "create-monitors":
        result = create_monitors(int(args[0]), int(args[1]))
    elif command == "race":
        result = race(float(args[0]), int(args[1]), int(args[2]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))
