"""The dispatcher: claim due monitors and enqueue one django-q2 task per slot.

A *slot* is one due ``next_run_at`` of one monitor. A tick claims every due
slot with one conditional UPDATE (compare-and-set on "still enabled and still
due"; RETURNING tells which rows this dispatcher won), so any number of
dispatchers (the loop process on several hosts, the minute Schedule in every
cluster) can tick at once and each slot is enqueued exactly once.

Claiming moves ``next_run_at`` to one interval after the claim, so two runs
are never closer than the interval and after downtime a monitor runs once,
not once per missed slot. A slot that finds the previous run still
going is claimed but not enqueued, and counted in ``Monitor.skipped_slots``.

The runs are enqueued in one broker write: with the ORM broker inside the
claim's transaction (the queue is a table of the same database, so claim and
tasks commit together), with Redis right after the commit.

Query count per tick is constant (reap, schedule the unscheduled, select
due, select running, claim, one bulk enqueue, heartbeat) whatever the number
of monitors; the work grows only with the number due.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, partial

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django_q.brokers import Broker, get_broker
from django_q.brokers.orm import ORM
from django_q.brokers.redis_broker import Redis
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.tasks import async_task

from monitors.models import Monitor
from monitors.selectors import monitors_due, monitors_unscheduled
from runs import services
from runs.models import DispatcherHeartbeat, MonitorRun

logger = logging.getLogger(__name__)

RUN_TASK = "runs.tasks.run_monitor_task"
# Monitors claimed per UPDATE; a bigger backlog drains in several batches of
# the same tick. Keeps the statement well under every backend's parameter limit.
BATCH_SIZE = 500
MAX_BATCHES_PER_TICK = 20


@dataclass
class Tick:
    """What one dispatcher tick did."""

    at: datetime
    enqueued: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    reaped: int = 0

    def __str__(self):
        return f"enqueued {len(self.enqueued)}, skipped {len(self.skipped)} (run still going), reaped {self.reaped}"


def tick(*, name: str, now: datetime | None = None) -> Tick:
    """One dispatcher tick: reap runs whose worker died, dispatch due slots, record the heartbeat."""
    now = now or timezone.now()
    result = Tick(at=now)
    # Reap first: a dead worker's run would otherwise make its monitor's slot look busy.
    result.reaped = services.run_reap_expired(now=now)
    result.enqueued, result.skipped = dispatch_due(now=now)
    heartbeat_record(name=name, result=result)
    return result


def dispatch_due(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> tuple[list[int], list[int]]:
    """Claim every slot due at ``now``; enqueue a run for each (atomically with the claim, or after commit).

    Returns the monitor ids enqueued and the ids whose slot was skipped
    because their previous run is still going.
    """
    now = now or timezone.now()
    enqueued: list[int] = []
    skipped: list[int] = []
    for batch in range(MAX_BATCHES_PER_TICK):
        with transaction.atomic():
            if batch == 0:
                # A monitor saved without the services has no next_run_at: due now.
                monitors_unscheduled().update(next_run_at=now)
            due = monitors_due(now=now, limit=batch_size)
            if not due:
                break
            busy = _running_monitor_ids([pk for pk, _ in due])
            won = _claim(due, busy=busy, now=now)
            to_run = [pk for pk in won if pk not in busy]
            if to_run:
                if _queue_shares_the_database():
                    # The ORM broker's queue is a table in this database: the
                    # claim and its tasks commit together, or neither does.
                    enqueue_runs(to_run)
                else:
                    # After commit: a worker must never see a slot whose claim rolled back.
                    transaction.on_commit(partial(enqueue_runs, to_run))
        enqueued += to_run
        skipped += [pk for pk in won if pk in busy]
        if len(due) < batch_size:
            break
    if skipped:
        logger.info("skipped %d slot(s): previous run still going (monitors %s)", len(skipped), skipped[:20])
    return enqueued, skipped


def _running_monitor_ids(monitor_ids: list[int]) -> set[int]:
    running = MonitorRun.objects.filter(monitor_id__in=monitor_ids, finished_at__isnull=True).order_by()
    return set(running.values_list("monitor_id", flat=True))


def _next_slot_sql(now: datetime) -> tuple[str, list]:
    """SQL for "one interval after this claim", computed per row from its own ``interval_seconds``.

    One interval after the claim: two runs are never closer than the
    interval, and after downtime the monitor runs once, not once per missed
    slot (a late tick shifts the schedule by that lateness, at most one
    tick). Computed in SQL so the UPDATE's cost does not grow with a
    per-row CASE of literal times.
    """
    interval = connection.ops.quote_name("interval_seconds")
    if connection.vendor == "sqlite":
        # SQLite keeps datetimes as text ("YYYY-MM-DD HH:MM:SS[.ffffff]"); adding
        # whole seconds leaves the fraction of a second unchanged, so append it.
        stamp = connection.ops.adapt_datetimefield_value(now)
        whole, dot, fraction = stamp.partition(".")
        return f"strftime('%%Y-%%m-%%d %%H:%%M:%%S', %s, '+' || {interval} || ' seconds') || %s", [whole, dot + fraction]
    return f"%s + {interval} * INTERVAL '1 second'", [now]


def _claim(due: list[tuple[int, int]], *, busy: set[int], now: datetime) -> list[int]:
    """Move each due slot forward with one compare-and-set UPDATE; return the ids this call won.

    The WHERE clause re-checks "enabled and still due" on the row itself, so a
    concurrent dispatcher that claimed first (its next_run_at is now in the
    future) or an operator who disabled the monitor makes the row drop out;
    RETURNING names exactly the rows this statement moved. Raw SQL because
    QuerySet.update() cannot return the updated ids.
    """
    ops = connection.ops
    qn = ops.quote_name
    table, pk, next_run, skipped_col, enabled = (
        qn(Monitor._meta.db_table), qn("id"), qn("next_run_at"), qn("skipped_slots"), qn("enabled"),
    )
    ids = [monitor_id for monitor_id, _ in due]
    next_sql, params = _next_slot_sql(now)
    busy_ids = [monitor_id for monitor_id in ids if monitor_id in busy]
    skipped_sql = ""
    if busy_ids:
        skipped_sql = f", {skipped_col} = {skipped_col} + CASE WHEN {pk} IN ({', '.join(['%s'] * len(busy_ids))}) THEN 1 ELSE 0 END"
        params += busy_ids
    params += ids + [True, ops.adapt_datetimefield_value(now)]
    sql = (
        f"UPDATE {table} SET {next_run} = {next_sql}{skipped_sql} "
        f"WHERE {pk} IN ({', '.join(['%s'] * len(ids))}) AND {enabled} = %s "
        f"AND {next_run} <= %s RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


class _PackageCollector(Broker):
    """A stand-in broker that keeps the signed packages async_task builds, so
    they can be pushed to the real broker in one round trip."""

    def __init__(self):  # no connection, no cache: nothing leaves the process
        self.list_key = Conf.CLUSTER_NAME
        self.packages: list[str] = []

    def enqueue(self, task):
        self.packages.append(task)
        return len(self.packages)


@cache
def broker() -> Broker:
    """The configured broker, built once per process (a Redis broker keeps its connection pool)."""
    return get_broker()


def _queue_shares_the_database() -> bool:
    return isinstance(broker(), ORM) and Conf.ORM == DEFAULT_DB_ALIAS


def enqueue_runs(monitor_ids: list[int]) -> None:
    """Enqueue ``run_monitor_task(id)`` for each monitor: one INSERT (ORM broker) or one RPUSH (Redis).

    async_task builds and signs each package exactly as usual; only the push
    is batched. Other brokers get one enqueue per task.
    """
    collector = _PackageCollector()
    for monitor_id in monitor_ids:
        async_task(RUN_TASK, monitor_id, broker=collector)
    if not collector.packages:  # Q_CLUSTER "sync": async_task already ran them
        return
    queue = broker()
    if isinstance(queue, ORM):
        now = timezone.now()
        OrmQ.objects.using(Conf.ORM).bulk_create(
            [OrmQ(key=queue.list_key, payload=package, lock=now) for package in collector.packages]
        )
    elif isinstance(queue, Redis):
        queue.connection.rpush(queue.list_key, *collector.packages)
    else:
        for package in collector.packages:
            queue.enqueue(package)
    logger.info("enqueued %d run(s)", len(collector.packages))


def slot_skipped(monitor_id: int) -> None:
    """Count a slot whose task found the monitor's previous run still going."""
    Monitor.objects.filter(pk=monitor_id).update(skipped_slots=F("skipped_slots") + 1)


def dispatcher_name(kind: str) -> str:
    """Heartbeat row name: one per kind of dispatcher per host."""
    return f"{kind}@{socket.gethostname()}"[:200]


def heartbeat_record(*, name: str, result: Tick) -> None:
    """Upsert this dispatcher's heartbeat row (what /healthz reads)."""
    values = {
        "last_tick_at": result.at,
        "last_enqueued": len(result.enqueued),
        "last_skipped": len(result.skipped),
        "last_reaped": result.reaped,
    }
    if DispatcherHeartbeat.objects.filter(name=name).update(**values):
        return
    try:
        with transaction.atomic():
            DispatcherHeartbeat.objects.create(name=name, **values)
    except IntegrityError:  # a twin on the same host created it first
        DispatcherHeartbeat.objects.filter(name=name).update(**values)


def last_tick_at() -> datetime | None:
    """When any dispatcher, on any host, last ticked."""
    return DispatcherHeartbeat.objects.aggregate(last=Max("last_tick_at"))["last"]
