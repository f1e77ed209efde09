"""``manage.py runmonitor`` and ``manage.py setupdemo`` end to end, with the offline analyzer on Loghub samples."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from monitors.models import Monitor
from runs.models import MonitorRun
from runs.pipeline import run_monitor
from tests.factories import MonitorFactory

pytestmark = pytest.mark.django_db
DEMO_LOGS = Path(settings.BASE_DIR) / "demo" / "logs"


def run_command(*args) -> str:
    out = StringIO()
    call_command("runmonitor", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def openssh_monitor():
    return MonitorFactory(
        name="OpenSSH auth",
        llm_provider="stub",
        inputs=[{"label": "sshd", "mode": "file", "path": str(DEMO_LOGS / "OpenSSH_2k.log"), "max_lines": 2000}],
        notification_config={"email_recipients": ["oncall@example.com"], "notify_on": "alert_only"},
    )


def test_it_runs_a_monitor_by_name_and_prints_the_verdict_deliveries_and_run_id(openssh_monitor, mailoutbox):
    output = run_command("OpenSSH auth")

    run = MonitorRun.objects.get(monitor=openssh_monitor)
    assert run.status == "alert" and run.llm_status == "CRITICAL"
    assert f"Run {run.pk} of 'OpenSSH auth': ALERT (LLM said CRITICAL)" in output
    assert f"Summary: {run.summary}" in output
    assert "email -> oncall@example.com: sent" in output
    assert len(mailoutbox) == 1 and "OpenSSH auth" in mailoutbox[0].subject


def test_it_accepts_the_monitor_id(openssh_monitor):
    output = run_command(str(openssh_monitor.pk))

    assert MonitorRun.objects.filter(monitor=openssh_monitor, trigger="command").count() == 1
    assert "'OpenSSH auth'" in output


def test_collect_only_prints_the_logs_without_a_run(openssh_monitor):
    output = run_command("OpenSSH auth", "--collect-only")

    assert "[sshd]" in output
    assert "POSSIBLE BREAK-IN ATTEMPT" in output
    assert not MonitorRun.objects.exists()


def test_an_unknown_monitor_is_a_clear_error():
    with pytest.raises(CommandError, match="No monitor with id or name 'nope'"):
        run_command("nope")


def test_a_run_that_ends_in_error_exits_non_zero(openai_server):
    openai_server.answer("I think everything is fine!")
    monitor = MonitorFactory(name="talkative", llm_provider="openai")

    with pytest.raises(CommandError, match="ended in error"):
        run_command("talkative")

    run = MonitorRun.objects.get(monitor=monitor)
    assert run.status == "error"
    assert run.llm_response == "I think everything is fine!"


def test_setupdemo_creates_the_login_and_demo_monitors_once_and_runs_them(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    out = StringIO()
    call_command("setupdemo", stdout=out)
    call_command("setupdemo", stdout=StringIO())  # idempotent

    password = (tmp_path / "admin_password").read_text().strip()
    assert f"Log in as 'admin' with password '{password}'" in out.getvalue()
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert Monitor.objects.count() == 5
    statuses = dict(MonitorRun.objects.values_list("monitor__name", "status"))
    assert len(statuses) == 5 and statuses["OpenSSH auth"] == "alert"
    assert all(status in {"ok", "warn", "alert"} for status in statuses.values())


def test_demo_monitors_judge_the_whole_sample_again_on_every_scheduled_run(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("setupdemo", stdout=StringIO())
    monitor = Monitor.objects.get(name="OpenSSH auth")

    again = run_monitor(monitor)

    assert again.status == "alert"
    assert "POSSIBLE BREAK-IN ATTEMPT" in again.logs_text
