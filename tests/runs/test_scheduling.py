"""The dispatcher, called directly: what is due runs once, what is not stays put."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Schedule

from monitors import services as monitor_services
from runs import scheduling
from runs.models import DispatcherHeartbeat, MonitorRun
from runs.services import run_start
from runs.tasks import dispatcher_tick, run_monitor_task
from tests.factories import MonitorFactory, MonitorRunFactory, TargetFactory
from tests.runs.scheduling_support import purge_queue, queued_monitor_ids

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_queue():
    purge_queue()
    yield
    purge_queue()


@pytest.fixture
def tick(django_capture_on_commit_callbacks):
    """One dispatcher tick at ``now``, with the after-commit enqueue really executed."""

    def run(now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return scheduling.tick(name="test@here", now=now)

    return run


def minutes_ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


def test_it_enqueues_one_run_for_a_due_monitor(tick):
    monitor = MonitorFactory(next_run_at=minutes_ago(1))

    result = tick()

    assert result.enqueued == [monitor.pk]
    assert queued_monitor_ids() == [monitor.pk]
    monitor.refresh_from_db()
    assert monitor.next_run_at > result.at


def test_it_leaves_a_monitor_that_is_not_due_yet(tick):
    later = timezone.now() + timedelta(seconds=30)
    monitor = MonitorFactory(next_run_at=later)

    result = tick()

    assert result.enqueued == []
    assert queued_monitor_ids() == []
    monitor.refresh_from_db()
    assert monitor.next_run_at == later


def test_it_never_dispatches_a_disabled_monitor(tick):
    MonitorFactory(enabled=False, next_run_at=minutes_ago(5))

    assert tick().enqueued == []
    assert queued_monitor_ids() == []


def test_it_skips_and_counts_a_slot_while_the_previous_run_is_going(tick):
    monitor = MonitorFactory(next_run_at=minutes_ago(1))
    run_start(monitor)

    result = tick()

    assert result.enqueued == [] and result.skipped == [monitor.pk]
    assert queued_monitor_ids() == []
    monitor.refresh_from_db()
    assert monitor.skipped_slots == 1
    assert monitor.next_run_at > result.at  # the slot is consumed, not retried every tick
    assert tick().skipped == []


def test_it_runs_once_after_downtime_not_once_per_missed_slot(tick):
    monitor = MonitorFactory(interval_seconds=60, next_run_at=minutes_ago(60))

    first = tick()
    second = tick()

    assert first.enqueued == [monitor.pk] and second.enqueued == []
    assert queued_monitor_ids() == [monitor.pk]
    monitor.refresh_from_db()
    assert monitor.next_run_at == first.at + timedelta(seconds=60)


def test_the_next_slot_is_one_interval_after_the_claim(tick):
    slot = timezone.now().replace(microsecond=0)
    monitor = MonitorFactory(interval_seconds=10, next_run_at=slot)

    tick(now=slot + timedelta(seconds=4))

    monitor.refresh_from_db()
    assert monitor.next_run_at == slot + timedelta(seconds=14)


def test_an_interval_change_takes_effect_at_the_next_tick(tick):
    monitor = MonitorFactory(interval_seconds=3600, next_run_at=minutes_ago(0))
    tick()
    monitor.refresh_from_db()
    assert monitor.next_run_at > timezone.now() + timedelta(minutes=50)
    MonitorRunFactory(monitor=monitor, started_at=minutes_ago(2))
    monitor_services.monitor_update(monitor, interval_seconds=60, last_run_at=minutes_ago(2))

    result = tick()

    assert result.enqueued == [monitor.pk]
    monitor.refresh_from_db()
    assert monitor.next_run_at <= result.at + timedelta(seconds=60)


def test_disabling_and_enabling_take_effect_at_the_next_tick(tick):
    monitor = MonitorFactory(next_run_at=minutes_ago(1))
    monitor_services.monitor_set_enabled(monitor, False)
    assert tick().enqueued == []

    monitor_services.monitor_set_enabled(monitor, True)

    assert tick().enqueued == [monitor.pk]
    assert queued_monitor_ids() == [monitor.pk]


def test_a_new_monitor_runs_within_one_tick(tick):
    monitor = monitor_services.monitor_create(
        name="fresh", target=TargetFactory(), interval_seconds=300, prompt="Look for errors.",
        inputs=[{"label": "echo", "mode": "command", "command": "echo hi"}], llm_provider="stub",
    )

    assert tick().enqueued == [monitor.pk]


def test_a_monitor_saved_without_a_next_run_time_counts_as_due(tick):
    monitor = MonitorFactory(next_run_at=None)

    assert tick().enqueued == [monitor.pk]


def test_a_slot_already_claimed_elsewhere_is_not_claimed_again(tick):
    """The compare-and-set itself: a claim computed from a stale read loses to the row's current value."""
    monitor = MonitorFactory(interval_seconds=60, next_run_at=minutes_ago(1))
    now = timezone.now()
    stale_read = scheduling.monitors_due(now=now, limit=10)
    assert [row[0] for row in stale_read] == [monitor.pk]
    assert tick(now=now).enqueued == [monitor.pk]  # another dispatcher wins the slot

    assert scheduling._claim(stale_read, busy=set(), now=now) == []


def test_the_tick_query_count_does_not_grow_with_the_number_due(tick):
    tick()  # the heartbeat row exists from now on

    def queries_for(count):
        MonitorFactory.create_batch(count, next_run_at=minutes_ago(1))
        with CaptureQueriesContext(connection) as captured:
            assert len(tick().enqueued) == count
        return len(captured)

    assert queries_for(3) == queries_for(40)


def test_the_task_runs_the_monitor():
    monitor = MonitorFactory()

    outcome = run_monitor_task(monitor.pk)

    run = MonitorRun.objects.get(monitor=monitor)
    assert run.finished_at is not None and run.trigger == MonitorRun.Trigger.SCHEDULE
    assert f"run {run.pk}" in outcome


def test_the_task_skips_quietly_and_counts_when_a_run_is_going():
    monitor = MonitorFactory()
    run_start(monitor)

    outcome = run_monitor_task(monitor.pk)

    assert "skipped" in outcome
    monitor.refresh_from_db()
    assert monitor.skipped_slots == 1
    assert MonitorRun.objects.filter(monitor=monitor).count() == 1


def test_the_task_leaves_a_monitor_disabled_after_its_claim_alone():
    monitor = MonitorFactory(enabled=False)

    assert "disabled" in run_monitor_task(monitor.pk)
    assert not MonitorRun.objects.filter(monitor=monitor).exists()


def test_a_killed_workers_run_is_reaped_and_the_monitor_runs_again(tick, settings):
    settings.RUN_LEASE_SECONDS = 60
    monitor = MonitorFactory(interval_seconds=30, next_run_at=minutes_ago(0))
    orphan = run_start(monitor)  # what a worker leaves behind when it is SIGKILLed mid-run
    assert tick().skipped == [monitor.pk]

    result = tick(now=timezone.now() + timedelta(seconds=61))

    assert result.reaped == 1
    orphan.refresh_from_db()
    assert orphan.status == MonitorRun.Status.ERROR and orphan.finished_at is not None
    assert "Worker died or lease expired" in orphan.error
    assert result.enqueued == [monitor.pk]
    monitor.refresh_from_db()
    assert monitor.state == MonitorRun.Status.ERROR


def test_a_run_within_its_lease_is_left_running(tick):
    monitor = MonitorFactory(next_run_at=timezone.now() + timedelta(hours=1))
    run = run_start(monitor)

    assert tick().reaped == 0
    run.refresh_from_db()
    assert run.finished_at is None


def test_each_tick_records_a_heartbeat(tick):
    MonitorFactory(next_run_at=minutes_ago(1))

    first = tick()
    second = tick()

    beat = DispatcherHeartbeat.objects.get(name="test@here")
    assert beat.last_tick_at == second.at > first.at
    assert beat.last_enqueued == 0
    assert scheduling.last_tick_at() == second.at


def test_the_scheduled_tick_dispatches_and_can_be_switched_off(settings, django_capture_on_commit_callbacks):
    monitor = MonitorFactory(next_run_at=minutes_ago(1))
    settings.SCHEDULER_ENABLED = False
    assert "disabled" in dispatcher_tick()
    assert queued_monitor_ids() == []

    settings.SCHEDULER_ENABLED = True
    with django_capture_on_commit_callbacks(execute=True):
        assert "enqueued 1" in dispatcher_tick()
    assert queued_monitor_ids() == [monitor.pk]
    assert DispatcherHeartbeat.objects.filter(name__startswith="schedule@").exists()


def test_the_dispatcher_command_ticks_once(django_capture_on_commit_callbacks):
    monitor = MonitorFactory(next_run_at=minutes_ago(1))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("dispatcher", "--once")

    assert queued_monitor_ids() == [monitor.pk]
    assert DispatcherHeartbeat.objects.filter(name__startswith="loop@").exists()


def test_setupschedules_is_idempotent():
    call_command("setupschedules")
    call_command("setupschedules")

    schedule = Schedule.objects.get()
    assert schedule.func == "runs.tasks.dispatcher_tick"
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)
