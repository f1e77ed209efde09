"""The monitor page: readable config, paged history, a status chart, and its buttons."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from monitors.models import Monitor
from runs.models import MonitorRun
from runs.services import run_start
from tests.factories import LogSourceFactory, MonitorFactory, MonitorRunFactory
from tests.fakes.verdict_provider import inputs_saying

pytestmark = pytest.mark.django_db


def page_url(monitor):
    return reverse("runs:monitor", args=[monitor.pk])


def history(response) -> str:
    return re.search(r'<section class="card" aria-labelledby="history-h".*?</section>', response.content.decode(), re.S).group(0)


def test_it_shows_the_configuration_in_readable_form(root_client):
    monitor = MonitorFactory(
        name="nginx",
        prompt="Look for 5xx bursts.",
        inputs=[{"label": "errors", "mode": "command", "command": "tail -n 50 /var/log/nginx/error.log", "timeout_seconds": 5}],
        log_source=LogSourceFactory(name="syslog-tail", config={"path": "/var/log/syslog"}),
        window_config={"max_lines": 800},
        notification_config={"email_recipients": ["oncall@example.com"], "sms_recipients": ["+15551234567"], "notify_on": "warn_and_alert"},
        remediation_config={"enabled": True, "remediation_endpoint": "https://agent.example.com/hook", "trigger_on": ["CRITICAL"]},
    )

    body = root_client.get(page_url(monitor)).content.decode()

    for text in ("Look for 5xx bursts.", "tail -n 50 /var/log/nginx/error.log", "timeout 5 s", "syslog-tail", "/var/log/syslog",
                 "800", "oncall@example.com", "+15551234567", "warnings and alerts", "https://agent.example.com/hook", "CRITICAL", "stub"):
        assert text in body, text


def test_history_is_paged_newest_first_and_filtered_by_status(root_client):
    monitor = MonitorFactory()
    start = timezone.now() - timedelta(days=1)
    for i in range(30):
        MonitorRunFactory(monitor=monitor, status="alert" if i % 10 == 0 else "ok", summary=f"run number {i}", started_at=start + timedelta(minutes=i))

    first = history(root_client.get(page_url(monitor)))
    second = history(root_client.get(page_url(monitor), {"page": 2}))
    alerts = history(root_client.get(page_url(monitor), {"status": "alert"}))

    assert "run number 29" in first and "run number 5" in first and "run number 4" not in first
    assert "Page 1 of 2" in first and "run number 4" in second and "run number 0" in second
    assert re.findall(r"run number (\d+)", alerts) == ["20", "10", "0"]


def test_the_chart_draws_one_mark_per_finished_run_in_its_status_lane(root_client):
    monitor = MonitorFactory()
    start = timezone.now() - timedelta(hours=2)
    for i, status in enumerate(["ok", "ok", "warn", "alert", "error"]):
        MonitorRunFactory(monitor=monitor, status=status, started_at=start + timedelta(minutes=10 * i))

    body = root_client.get(page_url(monitor)).content.decode()

    svg = re.search(r"<svg class=\"chart\".*?</svg>", body, re.S).group(0)
    assert re.findall(r'<rect class="m-(\w+)"', svg) == ["ok", "ok", "warn", "alert", "error"]
    assert "2 OK, 1 Warning, 1 Alert, 1 Error" in svg


def test_run_now_runs_the_monitor_and_opens_its_report(root_client, scripted_provider):
    monitor = MonitorFactory(llm_provider=scripted_provider, inputs=inputs_saying("CRITICAL"))

    response = root_client.post(reverse("runs:run-now", args=[monitor.pk]), follow=True)

    run = MonitorRun.objects.get(monitor=monitor)
    assert run.trigger == "manual" and run.status == "alert"
    assert response.redirect_chain[-1][0] == reverse("runs:run", args=[run.pk])
    assert "Scripted verdict CRITICAL." in response.content.decode()


def test_run_now_while_a_run_is_going_says_so(root_client):
    monitor = MonitorFactory()
    run_start(monitor)

    response = root_client.post(reverse("runs:run-now", args=[monitor.pk]), follow=True)

    assert "already has a run in progress" in response.content.decode()
    assert MonitorRun.objects.filter(monitor=monitor).count() == 1


def test_disable_and_enable_move_the_monitor_off_and_on_the_schedule(root_client):
    monitor = MonitorFactory(enabled=True)
    url = reverse("monitors:enabled", args=[monitor.pk])

    root_client.post(url, {"enabled": "0"})
    monitor.refresh_from_db()
    assert monitor.enabled is False and monitor.next_run_at is None
    assert ">Enable</button>" in root_client.get(page_url(monitor)).content.decode()

    root_client.post(url, {"enabled": "1"})
    monitor.refresh_from_db()
    assert monitor.enabled is True and monitor.next_run_at is not None


def test_enable_ignores_a_next_url_on_another_site(root_client):
    monitor = MonitorFactory()

    response = root_client.post(reverse("monitors:enabled", args=[monitor.pk]), {"enabled": "0", "next": "https://evil.example.com/"})

    assert response["Location"] == page_url(monitor)


def test_collect_preview_shows_the_text_the_llm_would_get_without_a_run(root_client):
    monitor = MonitorFactory(inputs=[{"label": "greeting", "mode": "command", "command": "echo hello from preview"}])

    body = root_client.post(reverse("runs:preview", args=[monitor.pk])).content.decode()

    assert "[greeting]\nhello from preview" in body
    assert not MonitorRun.objects.exists()


def test_delete_asks_first_then_removes_the_monitor(root_client):
    monitor = MonitorFactory(name="old")
    url = reverse("monitors:delete", args=[monitor.pk])

    assert "Delete monitor “old”?" in root_client.get(url).content.decode()
    response = root_client.post(url)

    assert response["Location"] == reverse("runs:dashboard")
    assert not Monitor.objects.filter(pk=monitor.pk).exists()
