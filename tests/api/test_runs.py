"""Run history: newest first, filters, bounded pages, the latest run, one run with its deliveries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import DeliveryFactory, MonitorFactory, MonitorRunFactory

NOW = timezone.now()


@pytest.fixture
def monitor(db):
    return MonitorFactory(name="web errors")


def make_runs(monitor, statuses):
    """One run per status, an hour apart, the first one oldest."""
    return [
        MonitorRunFactory(monitor=monitor, status=status, started_at=NOW - timedelta(hours=len(statuses) - n))
        for n, status in enumerate(statuses)
    ]


def test_runs_are_listed_newest_first(api, monitor):
    runs = make_runs(monitor, ["ok", "warn", "alert"])
    MonitorRunFactory()  # another monitor's run
    body = api.get(f"/monitors/{monitor.pk}/runs").json()
    assert body["count"] == 3
    assert [r["id"] for r in body["results"]] == [run.pk for run in reversed(runs)]
    assert "logs_text" not in body["results"][0]


def test_runs_can_be_filtered_by_status_and_start_time(api, monitor):
    runs = make_runs(monitor, ["ok", "alert", "ok", "alert"])
    alerts = api.get(f"/monitors/{monitor.pk}/runs", {"status": "alert"}).json()["results"]
    assert [r["id"] for r in alerts] == [runs[3].pk, runs[1].pk]

    window = {"since": runs[1].started_at.isoformat(), "until": runs[3].started_at.isoformat()}
    in_window = api.get(f"/monitors/{monitor.pk}/runs", window).json()["results"]
    assert [r["id"] for r in in_window] == [runs[2].pk, runs[1].pk]


def test_running_runs_can_be_listed(api, monitor):
    make_runs(monitor, ["ok"])
    going = MonitorRunFactory(monitor=monitor, status="", finished_at=None)
    body = api.get(f"/monitors/{monitor.pk}/runs", {"status": "running"}).json()
    assert [(r["id"], r["running"], r["status"]) for r in body["results"]] == [(going.pk, True, "")]


@pytest.mark.parametrize(
    ("params", "field"), [({"status": "healthy"}, "status"), ({"since": "yesterday"}, "since"), ({"until": "2026-13-01"}, "until")]
)
def test_a_bad_filter_is_a_400_naming_it(api, monitor, params, field):
    response = api.get(f"/monitors/{monitor.pk}/runs", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_pages_are_bounded(api, monitor):
    MonitorRunFactory.create_batch(205, monitor=monitor)
    first = api.get(f"/monitors/{monitor.pk}/runs").json()
    assert (first["count"], len(first["results"])) == (205, 50)
    assert "offset=50" in first["next"]
    huge = api.get(f"/monitors/{monitor.pk}/runs", {"limit": 10_000}).json()
    assert len(huge["results"]) == 200
    last = api.get(f"/monitors/{monitor.pk}/runs", {"limit": 200, "offset": 200}).json()
    assert (len(last["results"]), last["next"]) == (5, None)


def test_runs_of_an_unknown_monitor_are_a_404(api):
    assert api.get("/monitors/999/runs").status_code == 404
    assert api.get("/monitors/999/runs/latest").status_code == 404


def test_latest_is_the_newest_run_with_everything(api, monitor):
    runs = make_runs(monitor, ["ok", "alert"])
    body = api.get(f"/monitors/{monitor.pk}/runs/latest").json()
    assert body["id"] == runs[-1].pk
    assert {"report", "logs_text", "llm_request", "llm_response", "deliveries", "sections"} <= set(body)


def test_latest_is_a_404_before_the_first_run(api, monitor):
    response = api.get(f"/monitors/{monitor.pk}/runs/latest")
    assert response.status_code == 404
    assert response.json() == {"detail": "This monitor has not run yet."}


def test_a_run_comes_with_its_deliveries(api):
    email = DeliveryFactory(recipient="ops@example.com")
    DeliveryFactory(run=email.run, monitor=email.monitor, channel="sms", recipient="+15551234567", outcome="failed", error="HTTP 500")
    body = api.get(f"/runs/{email.run_id}").json()
    assert body["id"] == email.run_id
    assert body["monitor_id"] == email.monitor_id
    assert sorted((d["channel"], d["recipient"], d["outcome"], d["error"]) for d in body["deliveries"]) == [
        ("email", "ops@example.com", "sent", ""),
        ("sms", "+15551234567", "failed", "HTTP 500"),
    ]
    assert {"attempt", "message_id", "event", "next_attempt_at", "response_code"} <= set(body["deliveries"][0])


def test_an_unknown_run_is_a_404(api):
    assert api.get("/runs/999").status_code == 404
