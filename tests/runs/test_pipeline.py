import pytest

from monitors.models import Monitor
from runs.pipeline import run_monitor
from runs.services import RunInProgress, run_start
from tests.factories import MonitorFactory

pytestmark = pytest.mark.django_db


def test_it_records_a_finished_run_with_the_collected_sections():
    monitor = MonitorFactory(inputs=[{"label": "greeting", "mode": "command", "command": "echo hello"}])

    run = run_monitor(monitor)

    assert run.finished_at is not None
    assert (run.llm_status, run.status) == ("HEALTHY", "ok")
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


def test_a_run_by_hand_pushes_the_next_scheduled_run_a_full_interval_away():
    monitor = MonitorFactory(interval_seconds=600)

    run = run_monitor(monitor, trigger="manual")

    monitor.refresh_from_db()
    assert (monitor.next_run_at - run.finished_at).total_seconds() == 600


def test_a_scheduled_run_leaves_the_claimed_schedule_alone():
    monitor = MonitorFactory(interval_seconds=600)
    Monitor.objects.filter(pk=monitor.pk).update(next_run_at=None)

    run_monitor(monitor, trigger="schedule")

    monitor.refresh_from_db()
    assert monitor.next_run_at is None


def test_a_finished_run_cuts_its_stored_logs_back_into_their_sections():
    monitor = MonitorFactory(inputs=[
        {"label": "first", "mode": "command", "command": "echo one"},
        {"label": "second", "mode": "command", "command": "printf 'two\\nthree\\n'"},
    ])
    run = run_monitor(monitor)

    preamble, sections = run.log_sections()

    assert preamble == ""
    assert [(s["label"], s["text"]) for s in sections] == [("first", "one"), ("second", "two\nthree")]
    assert run.display_status == "ok"
