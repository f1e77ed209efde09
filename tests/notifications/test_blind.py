"""Errors are not silence: after N error runs in a row the monitor is reported blind."""

import pytest

from tests.factories import MonitorFactory
from tests.fakes.verdict_provider import run_saying

pytestmark = pytest.mark.django_db


def monitor_for(receiver, **config):
    return MonitorFactory(name="checkout", llm_provider="scripted", notification_config={"webhook_urls": [receiver.url()], **config})


def test_it_reports_a_blind_monitor_after_n_errors_once_and_when_it_can_see_again(receiver):
    monitor = monitor_for(receiver, mode="state_change", notify_on_errors_after=3)

    runs = [run_saying(monitor, "FAIL") for _ in range(2)]
    assert receiver.received == []
    assert [run.status for run in runs] == ["error", "error"]  # visible on the runs themselves

    run_saying(monitor, "FAIL")
    run_saying(monitor, "FAIL")
    run_saying(monitor, "HEALTHY")

    assert [(r.json["event"], r.json["state"]) for r in receiver.received] == [("blind", "error"), ("back", "ok")]
    assert receiver.received[0].json["headline"] == "BLIND: checkout failed 3 runs in a row"


def test_the_default_every_run_mode_reports_blindness_too(receiver):
    monitor = monitor_for(receiver)  # alert_only, every_run, notify_on_errors_after defaults to 3

    for _ in range(3):
        run_saying(monitor, "FAIL")

    assert [r.json["event"] for r in receiver.received] == ["blind"]


def test_a_problem_after_blindness_is_a_problem_not_just_back(receiver):
    monitor = monitor_for(receiver, mode="state_change", notify_on_errors_after=1)

    run_saying(monitor, "FAIL")
    run_saying(monitor, "CRITICAL")

    assert [r.json["event"] for r in receiver.received] == ["blind", "problem"]


def test_zero_turns_blind_reports_off(receiver):
    monitor = monitor_for(receiver, notify_on_errors_after=0)

    for _ in range(5):
        run_saying(monitor, "FAIL")

    assert receiver.received == []
