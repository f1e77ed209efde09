"""``GET /healthz``: is the stack alive? For load balancers and uptime checks.

Anonymous on purpose (a probe has no login), so it says only what is up and
when things last happened: no names, no configuration, no error text.
503 when the database or broker is down, or no dispatcher has ticked for
several ticks (the loop and the minute Schedule both stopped).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import OrmQ

from runs import scheduling, selectors

logger = logging.getLogger(__name__)

# The minute Schedule ticks about every 60-90 s, so never call the dispatcher
# stale before 180 s even with a short loop tick.
MIN_STALE_SECONDS = 180


def dispatcher_stale_after() -> timedelta:
    return timedelta(seconds=max(3 * settings.SCHEDULER_TICK_SECONDS, MIN_STALE_SECONDS))


def _iso(value):
    return value.isoformat() if value else None


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:
        logger.exception("health: database check failed")
        return False


def _broker_check() -> tuple[str, bool]:
    try:
        broker = scheduling.broker()  # the cached one: a probe every few seconds opens no new connection pool
        if isinstance(broker, ORM):
            OrmQ.objects.using(Conf.ORM).exists()  # the queue table answers
            return "orm", True
        return type(broker).__name__.lower(), bool(broker.ping())
    except Exception:
        logger.exception("health: broker check failed")
        return "unknown", False


@never_cache
@require_GET
def healthz(request):
    now = timezone.now()
    database_ok = _database_ok()
    broker_kind, broker_ok = _broker_check()
    last_tick = last_finished = None
    if database_ok:
        last_tick = scheduling.last_tick_at()
        last_finished = selectors.last_finished_at()
    if not settings.SCHEDULER_ENABLED:
        dispatcher_ok = True
    else:
        dispatcher_ok = last_tick is not None and now - last_tick <= dispatcher_stale_after()
    healthy = database_ok and broker_ok and dispatcher_ok
    body = {
        "status": "ok" if healthy else "fail",
        "time": now.isoformat(),
        "database": {"ok": database_ok},
        "broker": {"ok": broker_ok, "kind": broker_kind},
        "dispatcher": {
            "ok": dispatcher_ok,
            "enabled": settings.SCHEDULER_ENABLED,
            "last_tick_at": _iso(last_tick),
            "seconds_since_tick": round((now - last_tick).total_seconds(), 1) if last_tick else None,
            "stale_after_seconds": dispatcher_stale_after().total_seconds(),
        },
        "last_finished_run_at": _iso(last_finished),
    }
    return JsonResponse(body, status=200 if healthy else 503)
