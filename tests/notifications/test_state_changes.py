"""state_change mode: problem, reminder after the interval, recovery; identity by state, not LLM text."""

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from notifications.models import Delivery
from tests.factories import MonitorFactory
from tests.fakes.verdict_provider import run_saying

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def state_change_monitor(receiver, **config):
    return MonitorFactory(
        name="checkout", llm_provider="scripted",
        notification_config={"webhook_urls": [receiver.url()], "mode": "state_change", **config},
    )


def events(receiver):
    return [(r.json["event"], r.json["state"]) for r in receiver.received]


def test_ok_alert_alert_ok_sends_exactly_alert_reminder_after_the_interval_and_recovery(receiver, smtp):
    monitor = state_change_monitor(receiver, renotify_interval_minutes=60, email_recipients=["oncall@example.com"])

    with time_machine.travel(START, tick=False) as clock:
        run_saying(monitor, "HEALTHY")
        run_saying(monitor, "CRITICAL")
        clock.shift(timedelta(minutes=30))
        run_saying(monitor, "CRITICAL")  # inside the interval: quiet
        clock.shift(timedelta(minutes=95))
        run_saying(monitor, "CRITICAL")
        run_saying(monitor, "HEALTHY")

    assert events(receiver) == [("problem", "alert"), ("reminder", "alert"), ("recovered", "ok")]
    assert [m["Subject"].split(" - ")[0] for m in smtp.messages] == [
        "[logmonitor] CRITICAL: checkout",
        "[logmonitor] STILL CRITICAL for 2 h 5 min: checkout",
        "[logmonitor] RESOLVED: checkout is OK again (was CRITICAL)",
    ]


def test_without_a_reminder_interval_a_lasting_problem_is_told_once(receiver):
    monitor = state_change_monitor(receiver)

    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):
            run_saying(monitor, "CRITICAL")
            clock.shift(timedelta(hours=5))

    assert events(receiver) == [("problem", "alert")]


def test_it_tells_escalation_and_de_escalation_within_the_notify_on_level(receiver):
    monitor = state_change_monitor(receiver, notify_on="warn_and_alert")

    for status in ("WARNING", "CRITICAL", "CRITICAL", "WARNING", "HEALTHY"):
        run_saying(monitor, status)

    assert events(receiver) == [("problem", "warn"), ("problem", "alert"), ("problem", "warn"), ("recovered", "ok")]
    assert [r.json["previous_state"] for r in receiver.received] == ["", "warn", "alert", "warn"]


def test_alert_only_treats_a_drop_to_warning_as_resolved(receiver):
    monitor = state_change_monitor(receiver, notify_on="alert_only")

    for status in ("WARNING", "CRITICAL", "WARNING", "WARNING"):
        run_saying(monitor, status)

    assert events(receiver) == [("problem", "alert"), ("recovered", "warn")]
    assert receiver.received[1].json["headline"] == "RESOLVED: checkout is no longer CRITICAL (now WARNING)"


def test_the_same_state_with_different_llm_wording_is_not_a_new_problem(receiver):
    monitor = state_change_monitor(receiver)

    run_saying(monitor, "CRITICAL")
    monitor.inputs = [{"label": "app", "mode": "command", "command": "echo 'VERDICT=CRITICAL disk full, now phrased differently'"}]
    monitor.save()
    from runs.pipeline import run_monitor

    run_monitor(monitor)

    assert events(receiver) == [("problem", "alert")]
    assert Delivery.objects.filter(event="problem").count() == 1
