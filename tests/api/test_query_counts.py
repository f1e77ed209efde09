"""List endpoints issue a constant number of queries, however many rows."""

import pytest

from tests.factories import DeliveryFactory, LogSourceFactory, MonitorFactory, MonitorRunFactory, TargetFactory

# Auth by API_TOKEN needs no query; a list is one COUNT and one SELECT (plus
# one prefetch for a run's deliveries).
LIST_QUERIES = 2


@pytest.fixture
def fifty_monitors(db):
    source = LogSourceFactory()
    monitors = [MonitorFactory(target=TargetFactory(), log_source=source if n % 2 else None) for n in range(50)]
    for monitor in monitors:
        MonitorRunFactory(monitor=monitor)
    MonitorRunFactory(monitor=monitors[0], status="", finished_at=None)
    return monitors


@pytest.mark.parametrize("path", ["/monitors", "/monitors/status", "/targets", "/log-sources"])
def test_lists_of_50_monitors_take_constant_queries(api, fifty_monitors, django_assert_max_num_queries, path):
    with django_assert_max_num_queries(LIST_QUERIES):
        response = api.get(path, {"limit": 200})
    assert response.status_code == 200
    assert len(response.json()["results"]) == (1 if path == "/log-sources" else 50)


def test_a_list_of_500_runs_takes_constant_queries(api, django_assert_max_num_queries):
    monitor = MonitorFactory()
    MonitorRunFactory.create_batch(500, monitor=monitor)
    with django_assert_max_num_queries(LIST_QUERIES + 1):  # + the monitor's existence check
        response = api.get(f"/monitors/{monitor.pk}/runs", {"limit": 200, "offset": 300})
    assert (response.json()["count"], len(response.json()["results"])) == (500, 200)


def test_a_run_with_many_deliveries_takes_constant_queries(api, django_assert_max_num_queries):
    run = MonitorRunFactory()
    DeliveryFactory.create_batch(30, run=run, monitor=run.monitor)
    with django_assert_max_num_queries(2):
        response = api.get(f"/runs/{run.pk}")
    assert len(response.json()["deliveries"]) == 30


def test_a_per_user_key_adds_a_constant_cost(client_for, user_key, staff_user, fifty_monitors, django_assert_max_num_queries):
    client = client_for(user_key(staff_user))
    client.get("/monitors")  # first use records last_used_at
    with django_assert_max_num_queries(LIST_QUERIES + 1):
        assert client.get("/monitors", {"limit": 200}).status_code == 200
