"""Helpers for the scheduling tests: read the real task queue, and a separate
migrated database that subprocesses (dispatchers, qcluster) and the test share.

pytest-django's test database is private to this process (in memory on
SQLite, test_<name> on PostgreSQL), so tests that start other processes get
their own database instead: a file on SQLite, a fresh database on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.models import OrmQ
from django_q.signing import SignedPackage

from runs.scheduling import RUN_TASK

BASE_DIR = Path(settings.BASE_DIR)
SCRIPT = Path(__file__).with_name("scheduling_script.py")


def decode_queued(packages) -> list[int]:
    """Monitor ids of the run tasks in these signed broker packages, sorted."""
    tasks = [SignedPackage.loads(package) for package in packages]
    assert all(task["func"] == RUN_TASK for task in tasks), [task["func"] for task in tasks]
    return sorted(task["args"][0] for task in tasks)


def queued_monitor_ids() -> list[int]:
    """What the configured broker (ORM table or Redis list) holds for the workers."""
    broker = get_broker()
    if isinstance(broker, ORM):
        return decode_queued(OrmQ.objects.values_list("payload", flat=True))
    return decode_queued(broker.connection.lrange(broker.list_key, 0, -1))


def purge_queue() -> None:
    get_broker().purge_queue()


@dataclass
class SharedDatabase:
    """A migrated database outside pytest-django, reachable from subprocesses and from the test."""

    url: str
    env: dict[str, str]
    postgres: bool
    path: Path | None = None

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.postgres:
            with psycopg.connect(self.url, autocommit=True) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        conn = sqlite3.connect(self.path, timeout=20)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def manage(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def script(self, *args: str, timeout: float = 120) -> object:
        """Run tests/runs/scheduling_script.py in this database; return its JSON output."""
        done = subprocess.run(
            [sys.executable, str(SCRIPT), *args], cwd=BASE_DIR, env=self.env,
            capture_output=True, text=True, timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self, *args: str, log: Path) -> subprocess.Popen:
        """Start ``manage.py <args>`` in its own process group (so teardown can stop all its children)."""
        return subprocess.Popen(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env,
            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )


def stop_group(process: subprocess.Popen, grace: float = 8) -> None:
    """SIGTERM the leader (qcluster and the dispatcher stop cleanly on it), then SIGKILL its whole group.

    Only the leader gets SIGTERM: a qcluster whose workers are signalled too
    can hang waiting for them. The final SIGKILL takes whatever is left.
    """
    try:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=5)


@contextmanager
def shared_database(tmp_path: Path, **extra_env: str):
    """A fresh, migrated database of the same kind as the test settings (SQLite file or PostgreSQL)."""
    default = settings.DATABASES["default"]
    postgres = default["ENGINE"] == "django.db.backends.postgresql"
    env = {key: value for key, value in os.environ.items() if key not in {"PYTEST_CURRENT_TEST"}}
    env.update(
        LOGMONITOR_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY=settings.SECRET_KEY,  # the same signing key, so the test can read queued packages
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="logmonitor.settings",
        **extra_env,
    )
    if postgres:
        name = f"{default['NAME']}_shared_{uuid.uuid4().hex[:8]}"
        server = f"postgres://{default['USER'] or 'postgres'}@{default['HOST'] or '127.0.0.1'}:{default['PORT'] or 5432}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        database = SharedDatabase(url=f"{server}/{name}", env=env, postgres=True)
    else:
        path = tmp_path / "shared.sqlite3"
        database = SharedDatabase(url=f"sqlite:///{path}", env=env, postgres=False, path=path)
    env["DATABASE_URL"] = database.url
    try:
        database.manage("migrate", "--noinput", "--skip-checks", "-v", "0")
        yield database
    finally:
        if postgres:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
