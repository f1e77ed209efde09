import pytest

from runs.pipeline import run_monitor
from runs.services import RunInProgress, run_start
from tests.factories import MonitorFactory

pytestmark = pytest.mark.django_db


def test_it_records_a_finished_run_with_the_collected_sections():
    monitor = MonitorFactory(inputs=[{"label": "greeting", "mode": "command", "command": "echo hello"}])

    run = run_monitor(monitor)

    assert run.finished_at is not None
    assert run.status in {"ok", "warn", "alert"}
    assert "[greeting]\nhello" in run.logs_text
    assert run.sections[0]["label"] == "greeting"
    monitor.refresh_from_db()
    assert monitor.last_run_at == run.finished_at
    assert monitor.state == run.status


def test_it_refuses_a_second_run_while_one_is_going():
    monitor = MonitorFactory()
    run_start(monitor)

    with pytest.raises(RunInProgress):
        run_monitor(monitor)
