"""The dashboard: every monitor, worst first, filterable, cheap to refresh."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from runs.models import MonitorRun
from tests.factories import MonitorFactory, MonitorRunFactory, TargetFactory

pytestmark = pytest.mark.django_db
URL = reverse("runs:dashboard")


def names_in_order(response) -> list[str]:
    return re.findall(r'data-monitor="([^"]+)"', response.content.decode())


def monitor_in_state(name, state, **fields):
    monitor = MonitorFactory(name=name, **fields)
    run = MonitorRunFactory(monitor=monitor, status=state, summary=f"{name} summary")
    monitor.state, monitor.state_since, monitor.last_run_at = state, run.finished_at, run.finished_at
    monitor.save()
    return monitor


def test_it_lists_unhealthy_monitors_first_with_status_words(root_client):
    monitor_in_state("calm", "ok")
    monitor_in_state("noisy", "warn")
    monitor_in_state("broken", "error")
    monitor_in_state("burning", "alert")
    monitor_in_state("paused", "alert", enabled=False)

    response = root_client.get(URL)

    assert names_in_order(response) == ["burning", "broken", "noisy", "calm", "paused"]
    body = response.content.decode()
    for word in ("Alert", "Error", "Warning", "OK", "Disabled"):
        assert word in body
    assert "burning summary" in body  # why it is in that state


def test_each_row_shows_target_last_run_next_due_and_a_strip_of_recent_runs(root_client):
    monitor = MonitorFactory(name="api", target=TargetFactory(name="web-01"), next_run_at=timezone.now() + timedelta(minutes=5))
    start = timezone.now() - timedelta(hours=1)
    runs = [MonitorRunFactory(monitor=monitor, status=s, started_at=start + timedelta(minutes=i)) for i, s in enumerate(["ok", "warn", "alert"])]
    monitor.last_run_at = runs[-1].finished_at
    monitor.save()

    body = root_client.get(URL).content.decode()

    assert "web-01" in body
    assert "in 4" in body or "in 5" in body  # next due
    strip = re.search(r'<span class="strip".*?</td>', body, re.S).group(0)
    assert re.findall(r'class="t-(\w+)"', strip) == ["ok", "warn", "alert"]  # oldest first
    assert reverse("runs:run", args=[runs[-1].pk]) in strip


def test_it_filters_by_status_target_and_name(root_client):
    web = TargetFactory(name="web")
    monitor_in_state("web-nginx", "alert", target=web)
    monitor_in_state("web-app", "ok", target=web)
    monitor_in_state("db-postgres", "warn")

    assert names_in_order(root_client.get(URL, {"status": "unhealthy"})) == ["web-nginx", "db-postgres"]
    assert names_in_order(root_client.get(URL, {"status": "ok"})) == ["web-app"]
    assert names_in_order(root_client.get(URL, {"target": web.pk})) == ["web-nginx", "web-app"]
    assert names_in_order(root_client.get(URL, {"q": "POSTGRES"})) == ["db-postgres"]
    assert "No monitor matches these filters" in root_client.get(URL, {"q": "nothing"}).content.decode()


def test_with_no_monitors_it_explains_how_to_add_one(root_client):
    body = root_client.get(URL).content.decode()

    assert "No monitors yet" in body
    assert reverse("monitors:create") in body and reverse("monitors:target-create") in body


def test_the_refresh_request_gets_only_the_list_fragment(root_client):
    monitor_in_state("api", "alert")

    response = root_client.get(URL, HTTP_X_REQUESTED_WITH="fetch")

    body = response.content.decode()
    assert 'data-monitor="api"' in body
    assert "<html" not in body and "<form" not in body


def test_the_page_asks_to_be_refreshed_from_its_own_url(root_client):
    body = root_client.get(URL, {"status": "alert"}).content.decode()

    assert 'data-refresh-url="/app/?status=alert"' in body
    assert "js/app.js" in body


def test_it_marks_a_monitor_whose_run_is_going(root_client):
    monitor = MonitorFactory(name="busy")
    MonitorRunFactory(monitor=monitor, status="", finished_at=None)

    body = root_client.get(URL).content.decode()

    assert "Running" in body and 'class="t-running"' in body


def test_its_query_count_does_not_grow_with_monitors_or_runs(root_client, django_assert_max_num_queries):
    for i in range(12):
        monitor = monitor_in_state(f"m{i}", ["ok", "warn", "alert"][i % 3])
        MonitorRunFactory.create_batch(21, monitor=monitor)

    # session + user, monitors, their recent runs (one query), counts, targets for the filter.
    with django_assert_max_num_queries(7):
        response = root_client.get(URL)

    assert len(names_in_order(response)) == 12
    assert response.content.decode().count('role="listitem"') == 12 * 20  # strip capped at 20 runs
    assert MonitorRun.objects.count() == 12 * 22
