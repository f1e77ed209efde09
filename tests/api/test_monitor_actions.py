"""run-once, collect, enable/disable and the scheduling snapshot."""

from django.utils import timezone

from monitors.models import Monitor
from runs.models import MonitorRun
from tests.factories import LogSourceFactory, MonitorFactory, MonitorRunFactory


def running_run(monitor):
    return MonitorRunFactory(monitor=monitor, status="", llm_status="", finished_at=None)


def test_run_once_runs_now_and_returns_the_finished_run(api):
    monitor = MonitorFactory()
    response = api.post(f"/monitors/{monitor.pk}/run-once")
    assert response.status_code == 201
    run = response.json()
    assert run["trigger"] == "api"
    assert run["running"] is False and run["finished_at"] is not None
    assert run["status"] in {"ok", "warn", "alert", "error"}
    assert run["logs_text"].startswith("[echo]\nall good")
    assert run["deliveries"] == []
    assert MonitorRun.objects.get().pk == run["id"]
    assert api.get(f"/monitors/{monitor.pk}/runs/latest").json()["id"] == run["id"]


def test_run_once_while_a_run_is_going_is_a_409(api):
    monitor = MonitorFactory(name="busy")
    running_run(monitor)
    response = api.post(f"/monitors/{monitor.pk}/run-once")
    assert response.status_code == 409
    assert response.json() == {"detail": "Monitor 'busy' already has a run in progress."}
    assert MonitorRun.objects.count() == 1


def test_run_once_on_an_unknown_monitor_is_a_404(api):
    assert api.post("/monitors/999/run-once").status_code == 404


def test_collect_returns_the_monitor_collection_without_asking_the_llm(api, log_file):
    monitor = MonitorFactory(log_source=LogSourceFactory(name="app", config={"path": str(log_file), "max_lines": 3}))
    response = api.post(f"/monitors/{monitor.pk}/collect")
    assert response.status_code == 200
    body = response.json()
    assert [s["label"] for s in body["sections"]] == ["echo", "app"]
    echo, app = body["sections"]
    assert (echo["lines"], echo["truncated"], echo["error"]) == (1, False, "")
    assert (app["lines"], app["error"]) == (3, "")
    assert "[app]" in body["logs_text"] and "ERROR disk full" in body["logs_text"]
    assert body["truncated_lines"] == 0
    assert not MonitorRun.objects.exists()


def test_collect_says_what_the_monitors_window_cut(api, log_file):
    source = LogSourceFactory(name="app", config={"path": str(log_file)})
    monitor = MonitorFactory(inputs=[], log_source=source, window_config={"max_lines": 4})
    body = api.post(f"/monitors/{monitor.pk}/collect").json()
    assert body["truncated_lines"] > 0
    assert body["sections"][0]["truncated"] is True
    assert body["logs_text"].splitlines()[-1] == "ERROR disk full"


def test_collect_reports_a_failing_input_in_its_section(api, settings):
    settings.COMMAND_INPUTS_ENABLED = False
    monitor = MonitorFactory()
    section = api.post(f"/monitors/{monitor.pk}/collect").json()["sections"][0]
    assert section["label"] == "echo"
    assert "COMMAND_INPUTS_ENABLED" in section["error"]


def test_disable_takes_a_monitor_off_schedule_and_enable_makes_it_due_now(api):
    monitor = MonitorFactory(enabled=True, next_run_at=timezone.now())
    response = api.post(f"/monitors/{monitor.pk}/disable")
    assert response.status_code == 200
    assert (response.json()["enabled"], response.json()["next_run_at"]) == (False, None)
    assert Monitor.objects.get().enabled is False

    before = timezone.now()
    response = api.post(f"/monitors/{monitor.pk}/enable/")
    monitor.refresh_from_db()
    assert response.json()["enabled"] is True
    assert monitor.enabled and monitor.next_run_at >= before


def test_status_of_one_monitor_is_its_scheduling_snapshot(api):
    monitor = MonitorFactory(interval_seconds=90, skipped_slots=2)
    finished = MonitorRunFactory(monitor=monitor, status="warn", started_at=timezone.now() - timezone.timedelta(minutes=5))
    Monitor.objects.filter(pk=monitor.pk).update(state="warn", last_run_at=finished.finished_at, next_run_at=timezone.now())
    snapshot = api.get(f"/monitors/{monitor.pk}/status").json()
    assert snapshot["monitor_id"] == monitor.pk
    assert (snapshot["enabled"], snapshot["interval_seconds"], snapshot["status"]) == (True, 90, "warn")
    assert snapshot["running"] is False
    assert snapshot["last_run_id"] == finished.pk
    assert snapshot["skipped_slots"] == 2
    assert snapshot["last_run_at"] and snapshot["next_run_at"]

    going = running_run(monitor)
    snapshot = api.get(f"/monitors/{monitor.pk}/status").json()
    assert (snapshot["running"], snapshot["last_run_id"]) == (True, going.pk)


def test_status_of_every_monitor_is_one_page_of_snapshots(api):
    idle, busy = MonitorFactory(name="a-idle"), MonitorFactory(name="b-busy")
    running_run(busy)
    body = api.get("/monitors/status").json()
    assert body["count"] == 2
    assert [(s["name"], s["running"]) for s in body["results"]] == [("a-idle", False), ("b-busy", True)]
    assert body["results"][0]["last_run_id"] is None


def test_status_of_an_unknown_monitor_is_a_404(api):
    assert api.get("/monitors/999/status").status_code == 404
