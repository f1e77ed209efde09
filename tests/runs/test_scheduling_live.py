"""The real stack: a qcluster and the loop dispatcher as processes run a 10-second monitor by themselves.

On SQLite a file database with the ORM broker; on PostgreSQL (DATABASE_URL)
a fresh database, with Redis as the broker when REDIS_URL is set.
"""

import time
from datetime import datetime

import pytest

from tests.runs.scheduling_support import purge_queue, shared_database, stop_group

pytestmark = [pytest.mark.slow, pytest.mark.django_db]  # django_db only to purge a Redis queue

INTERVAL = 10
WANTED_RUNS = 3
DEADLINE_SECONDS = 55


def as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def test_a_ten_second_monitor_runs_by_itself_every_ten_seconds(tmp_path):
    purge_queue()  # tasks other tests left in a shared Redis queue would reach this cluster
    stack_env = {"SCHEDULER_TICK_SECONDS": "1", "Q_ORM_POLL_SECONDS": "0.2", "Q_WORKERS": "2", "SCHEDULER_ENABLED": "true"}
    with shared_database(tmp_path, **stack_env) as database:
        (monitor_id,) = database.script("create-monitors", "1", str(INTERVAL))
        processes = [
            database.start("qcluster", log=tmp_path / "qcluster.log"),
            database.start("dispatcher", log=tmp_path / "dispatcher.log"),
        ]
        try:
            deadline = time.monotonic() + DEADLINE_SECONDS
            runs = []
            while time.monotonic() < deadline and len(runs) < WANTED_RUNS:
                time.sleep(0.5)
                assert all(p.poll() is None for p in processes), (tmp_path / "qcluster.log").read_text()[-3000:]
                runs = database.query(
                    "SELECT started_at, status, error FROM runs_monitorrun "
                    "WHERE monitor_id = ? AND finished_at IS NOT NULL ORDER BY started_at",
                    (monitor_id,),
                )
        finally:
            for process in processes:
                stop_group(process)
        logs = (tmp_path / "dispatcher.log").read_text()[-2000:] + (tmp_path / "qcluster.log").read_text()[-2000:]
        assert len(runs) >= WANTED_RUNS, logs
        assert all(status in {"ok", "warn", "alert"} for _, status, _ in runs), runs
        starts = [as_datetime(started) for started, _, _ in runs]
        gaps = [(later - earlier).total_seconds() for earlier, later in zip(starts, starts[1:])]
        assert all(7 <= gap <= 15 for gap in gaps), gaps
        beats = database.query("SELECT name FROM runs_dispatcherheartbeat")
        assert any(name.startswith("loop@") for (name,) in beats)
    purge_queue()
