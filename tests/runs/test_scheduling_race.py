"""Several dispatcher processes ticking at the same instant on the same due monitors."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM

from tests.runs.scheduling_support import decode_queued, purge_queue, shared_database

# django_db only to purge a Redis queue through django-q; the race uses its own database.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

DISPATCHERS = 3
DUE_MONITORS = 80


@pytest.fixture
def database(tmp_path):
    purge_queue()
    with shared_database(tmp_path) as database:
        yield database
    purge_queue()


def queued_in(database) -> list[int]:
    broker = get_broker()
    if isinstance(broker, ORM):  # the queue table of the shared database, not the test's
        return decode_queued(payload for (payload,) in database.query("SELECT payload FROM django_q_ormq"))
    return decode_queued(broker.connection.lrange(broker.list_key, 0, -1))


def test_racing_dispatchers_enqueue_each_slot_exactly_once(database):
    monitor_ids = database.script("create-monitors", str(DUE_MONITORS), "3600")
    start = time.time() + 2.5  # every process is up and connected before the gun

    with ThreadPoolExecutor(DISPATCHERS) as pool:
        claims = list(pool.map(lambda _: database.script("race", str(start), "3", "5"), range(DISPATCHERS)))

    per_monitor = Counter(monitor_id for claimed in claims for monitor_id in claimed)
    assert sorted(per_monitor) == sorted(monitor_ids)
    assert set(per_monitor.values()) == {1}, [m for m, n in per_monitor.items() if n > 1][:10]
    assert queued_in(database) == sorted(monitor_ids)
    print("claims per dispatcher:", [len(claimed) for claimed in claims])
