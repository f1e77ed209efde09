"""Dispatcher tick cost at 1,000 and 10,000 enabled monitors with a few hundred due.

    .venv/bin/python benchmarks/dispatch.py                  # its own SQLite file, ORM broker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python benchmarks/dispatch.py              # a scratch database x_dispatch_bench

Prints, per size: SQL queries per tick, the tick time, one plain indexed
SELECT of the due monitors, and the bulk enqueue of the same runs alone.
Target: same query count at both sizes; tick <= 3 x the SELECT plus the enqueue
(printed under both readings: 3 x SELECT + enqueue, and 3 x (SELECT + enqueue)).
"""

import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SIZES = (1_000, 10_000)
DUE = 300
REPEAT = 15

scratch = tempfile.mkdtemp(prefix="lm-dispatch-bench-")
os.environ.setdefault("LOGMONITOR_VAR_DIR", scratch)
os.environ["DJANGO_SETTINGS_MODULE"] = "logmonitor.settings"
os.environ.setdefault("LOG_LEVEL", "WARNING")
url = os.environ.get("DATABASE_URL", "")
pg_server = pg_name = None
if url.startswith(("postgres://", "postgresql://")):
    import psycopg

    pg_server, _, base = url.rpartition("/")
    pg_name = f"{base or 'logmonitor'}_dispatch_bench"
    with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{pg_name}"')
    os.environ["DATABASE_URL"] = f"{pg_server}/{pg_name}"
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_q.brokers import get_broker  # noqa: E402

from monitors.models import Monitor, Target  # noqa: E402
from monitors.selectors import ENABLED  # noqa: E402
from runs import scheduling  # noqa: E402


def timed(fn, prepare=lambda: None):
    """Best wall time of ``fn`` over REPEAT runs (``prepare`` untimed before each): the least
    disturbed by other work on the machine, for every figure alike."""
    times = []
    for _ in range(REPEAT):
        prepare()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def populate(count: int) -> list[int]:
    Monitor.objects.all().delete()
    target, _ = Target.objects.get_or_create(name="bench")
    now = timezone.now()
    Monitor.objects.bulk_create(
        (
            Monitor(
                name=f"bench-{i}", target=target, interval_seconds=300, prompt="Look for errors.",
                inputs=[{"label": "echo", "mode": "command", "command": "echo ok"}], llm_provider="stub",
                # Spread the not-due ones over the next hour, as a real fleet is.
                next_run_at=now + timedelta(seconds=60 + (i * 3600) // count),
            )
            for i in range(count)
        ),
        batch_size=2000,
    )
    due = list(Monitor.objects.order_by("?").values_list("pk", flat=True)[:DUE])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE monitors_monitor")
    return due


def make_due(ids):
    def prepare():
        Monitor.objects.filter(pk__in=ids).update(next_run_at=timezone.now() - timedelta(seconds=5))
        get_broker().purge_queue()

    return prepare


def due_query():
    """The plain indexed SELECT of the due monitors (index-friendly "enabled = true", no ordering)."""
    return Monitor.objects.filter(ENABLED, next_run_at__lte=timezone.now()).order_by().values_list("id", "interval_seconds")


def bare_select():
    return list(due_query())


def main():
    call_command("migrate", verbosity=0)
    broker = get_broker()
    print(f"database: {connection.vendor}, broker: {type(broker).__name__}, {DUE} due per tick, best of {REPEAT}")
    rows = []
    for size in SIZES:
        due = populate(size)
        prepare = make_due(due)
        prepare()
        with connection.cursor() as cursor:
            sql, params = due_query().query.sql_with_params()
            cursor.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
        assert len(bare_select()) == DUE
        select_time = timed(bare_select, prepare)
        enqueue_time = timed(lambda: scheduling.enqueue_runs(due), prepare)
        scheduling.tick(name="bench")  # the heartbeat row exists, as in a running system
        prepare()
        with CaptureQueriesContext(connection) as captured:
            result = scheduling.tick(name="bench")
        assert sorted(result.enqueued) == sorted(due), "every due monitor claimed and enqueued once"
        assert broker.queue_size() == DUE
        tick_time = timed(lambda: scheduling.tick(name="bench"), prepare)
        queries = [q["sql"] for q in captured.captured_queries if q["sql"] not in ("BEGIN", "BEGIN IMMEDIATE", "COMMIT")]
        rows.append((size, len(queries), tick_time, select_time, enqueue_time))
        print(f"  plan at {size}: {plan}")
    print()
    print(f"{'monitors':>9} {'queries/tick':>13} {'tick ms':>8} {'SELECT ms':>10} {'enqueue ms':>11} {'tick/(3xSELECT+enqueue)':>24}")
    for size, queries, tick_time, select_time, enqueue_time in rows:
        budget = 3 * select_time + enqueue_time
        print(f"{size:>9,} {queries:>13} {tick_time * 1000:>8.1f} {select_time * 1000:>10.2f} {enqueue_time * 1000:>11.1f} {tick_time / budget:>24.2f}")
    same = len({row[1] for row in rows}) == 1
    strict = all(tick <= 3 * select + enqueue for _, _, tick, select, enqueue in rows)
    overall = all(tick <= 3 * (select + enqueue) for _, _, tick, select, enqueue in rows)
    print(f"\nquery count the same at every size: {same}")
    print(f"tick <= 3 x SELECT + enqueue (strict reading): {strict}")
    print(f"tick <= 3 x (SELECT + enqueue): {overall}")
    return 0 if same and overall else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        connection.close()
        if pg_name:
            with psycopg.connect(f"{pg_server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
