"""Anti-flapping thresholds, silences and maintenance windows."""

from datetime import datetime, time, timedelta, timezone

import pytest
import time_machine

from notifications import services
from notifications.models import Delivery, MaintenanceWindow
from tests.factories import MaintenanceWindowFactory, MonitorFactory
from tests.fakes.verdict_provider import run_saying

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


def quiet_monitor(receiver, **config):
    return MonitorFactory(
        name="checkout", llm_provider="scripted",
        notification_config={"webhook_urls": [receiver.url()], "mode": "state_change", **config},
    )


def events(receiver):
    return [r.json["event"] for r in receiver.received]


def test_flapping_is_suppressed_until_enough_runs_agree(receiver):
    monitor = quiet_monitor(receiver, alert_after_runs=2, recover_after_runs=2)

    for status in ("CRITICAL", "HEALTHY", "CRITICAL", "HEALTHY", "CRITICAL"):
        run_saying(monitor, status)
    assert events(receiver) == []

    run_saying(monitor, "CRITICAL")
    assert events(receiver) == ["problem"]

    run_saying(monitor, "HEALTHY")
    run_saying(monitor, "CRITICAL")
    run_saying(monitor, "HEALTHY")
    assert events(receiver) == ["problem"]

    run_saying(monitor, "HEALTHY")
    assert events(receiver) == ["problem", "recovered"]


def test_every_run_mode_also_waits_for_alert_after_runs(receiver):
    monitor = quiet_monitor(receiver, mode="every_run", alert_after_runs=2)

    run_saying(monitor, "CRITICAL")
    assert events(receiver) == []
    run_saying(monitor, "CRITICAL")
    run_saying(monitor, "CRITICAL")
    assert events(receiver) == ["run", "run"]


def test_a_silence_holds_messages_back_and_one_goes_out_when_it_ends_with_the_monitor_still_bad(receiver):
    monitor = quiet_monitor(receiver)

    with time_machine.travel(START, tick=False) as clock:
        services.monitor_silence(monitor, until=START + timedelta(hours=1), reason="deploy")
        run_saying(monitor, "CRITICAL")
        run_saying(monitor, "CRITICAL")
        assert events(receiver) == []
        skipped = Delivery.objects.get(outcome="skipped")
        assert skipped.error == "silenced until 2026-03-02T10:00+00:00 (deploy)"

        clock.shift(timedelta(hours=2))
        run_saying(monitor, "CRITICAL")
        run_saying(monitor, "CRITICAL")

    assert events(receiver) == ["problem"]


def test_a_problem_that_was_told_before_a_silence_is_recalled_once_after_it(receiver):
    monitor = quiet_monitor(receiver)

    with time_machine.travel(START, tick=False) as clock:
        run_saying(monitor, "CRITICAL")
        services.monitor_silence(monitor, until=START + timedelta(hours=1))
        run_saying(monitor, "CRITICAL")
        clock.shift(timedelta(hours=2))
        run_saying(monitor, "CRITICAL")
        run_saying(monitor, "CRITICAL")

    assert events(receiver) == ["problem", "reminder"]
    assert receiver.received[1].json["headline"] == "STILL CRITICAL for 2 h: checkout"


def test_a_problem_that_starts_and_ends_inside_a_silence_sends_nothing_after_it(receiver):
    monitor = quiet_monitor(receiver)

    with time_machine.travel(START, tick=False) as clock:
        services.monitor_silence(monitor, until=START + timedelta(hours=1))
        run_saying(monitor, "CRITICAL")
        run_saying(monitor, "HEALTHY")
        clock.shift(timedelta(hours=2))
        run_saying(monitor, "HEALTHY")

    assert events(receiver) == []


def test_a_one_off_maintenance_window_holds_back_notifications_and_remediation(receiver):
    monitor = quiet_monitor(receiver)
    monitor.remediation_config = {"enabled": True, "remediation_endpoint": receiver.url("/agent")}
    monitor.save()
    MaintenanceWindowFactory(monitor=monitor, name="db upgrade", starts_at=START - timedelta(minutes=5), ends_at=START + timedelta(hours=1))

    with time_machine.travel(START, tick=False) as clock:
        run_saying(monitor, "CRITICAL")
        assert receiver.received == []
        assert set(Delivery.objects.values_list("channel", "outcome", "error")) == {
            ("remediation", "skipped", "maintenance window 'db upgrade'"),
            ("webhook", "skipped", "maintenance window 'db upgrade'"),
        }
        clock.shift(timedelta(hours=1))
        run_saying(monitor, "CRITICAL")

    assert [r.path for r in receiver.received] == ["/agent", "/hook"]


def test_a_weekly_window_mutes_its_days_and_hours_only(receiver):
    monitor = quiet_monitor(receiver, mode="every_run")
    services.maintenance_window_create(
        monitor=monitor, name="monday backups", kind="weekly", weekdays=[0], start_time=time(8, 30), duration_minutes=60, timezone="UTC",
    )

    with time_machine.travel(START, tick=False) as clock:  # Monday 09:00
        run_saying(monitor, "CRITICAL")
        clock.shift(timedelta(minutes=45))  # 09:45, after the window
        run_saying(monitor, "CRITICAL")

    assert events(receiver) == ["run"]
    assert Delivery.objects.filter(outcome="skipped").count() == 1


@pytest.mark.parametrize(
    ("local_now", "active"),
    [
        ("2026-03-06 23:30", True),  # Friday, inside
        ("2026-03-07 01:59", True),  # Saturday morning, still the Friday window (crosses midnight)
        ("2026-03-07 02:00", False),  # the end is exclusive
        ("2026-03-07 23:30", False),  # Saturday night: not a window day
        ("2026-03-06 22:59", False),
    ],
)
def test_a_weekly_window_crosses_midnight_in_its_own_time_zone(local_now, active):
    import zoneinfo

    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    window = MaintenanceWindow(kind="weekly", weekdays=[4], start_time=time(23, 0), duration_minutes=180, timezone="Europe/Berlin")
    now = datetime.strptime(local_now, "%Y-%m-%d %H:%M").replace(tzinfo=berlin).astimezone(timezone.utc)

    assert window.is_active(now) is active


def test_an_incomplete_window_names_the_missing_fields():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        MaintenanceWindow(kind="weekly", weekdays=[9], timezone="Mars/Olympus").full_clean(exclude=["monitor"])

    assert {"weekdays", "start_time", "duration_minutes", "timezone"} <= set(caught.value.message_dict)
