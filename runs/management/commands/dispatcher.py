"""``manage.py dispatcher``: the loop that ticks the dispatcher every SCHEDULER_TICK_SECONDS.

Run any number of them, on any hosts: a slot is claimed once. SIGTERM or
SIGINT lets the current tick finish, then exits 0.
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection, connections

from runs import scheduling

logger = logging.getLogger("runs.dispatcher")


class Command(BaseCommand):
    help = "Dispatch due monitors every SCHEDULER_TICK_SECONDS until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Tick once and exit.")

    def handle(self, *args, once, **options):
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        if not settings.SCHEDULER_ENABLED:
            # Stay up doing nothing, so a process manager (honcho) does not see a crash.
            logger.warning("SCHEDULER_ENABLED is false: monitors are not dispatched")
            if not once:
                stop.wait()
            return
        name = scheduling.dispatcher_name("loop")
        period = settings.SCHEDULER_TICK_SECONDS
        logger.info("dispatcher %s ticking every %ss", name, period)
        while not stop.is_set():
            started = time.monotonic()
            # A long-lived process: drop connections the database closed or that outlived
            # CONN_MAX_AGE (never inside an atomic block, e.g. a test's transaction).
            if not connection.in_atomic_block:
                close_old_connections()
            try:
                result = scheduling.tick(name=name)
                if result.enqueued or result.skipped or result.reaped:
                    logger.info("tick: %s", result)
            except Exception:
                # Database or broker down: keep the loop alive and try again next tick
                # (a claimed slot whose enqueue failed runs at the monitor's next slot).
                logger.exception("dispatcher tick failed")
            if once:
                break
            stop.wait(max(0.0, period - (time.monotonic() - started)))
        if not connection.in_atomic_block:
            connections.close_all()
        logger.info("dispatcher %s stopped", name)
