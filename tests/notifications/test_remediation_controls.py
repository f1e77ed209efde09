"""Remediation rate cap per monitor per hour, and the opt-in ``resolved`` event."""

from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from notifications.models import Delivery
from tests.factories import MonitorFactory
from tests.fakes.verdict_provider import run_saying

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def remediated_monitor(receiver, **config):
    return MonitorFactory(
        llm_provider="scripted",
        remediation_config={"enabled": True, "remediation_endpoint": receiver.url("/incidents"), **config},
    )


def test_it_caps_incidents_per_monitor_per_hour_and_records_the_cap(receiver):
    monitor = remediated_monitor(receiver, max_per_hour=2)

    with time_machine.travel(START, tick=False) as clock:
        for _ in range(3):
            run_saying(monitor, "CRITICAL")
            clock.shift(timedelta(minutes=10))
        assert len(receiver.received) == 2
        capped = Delivery.objects.get(outcome="skipped")
        assert capped.error == "rate cap: 2 incidents in the last hour (max_per_hour 2)"

        clock.shift(timedelta(minutes=45))  # the first incident is now more than an hour old
        run_saying(monitor, "CRITICAL")

    assert len(receiver.received) == 3
    assert len({r.json["incident_id"] for r in receiver.received}) == 3


def test_the_cap_is_per_monitor(receiver):
    busy, other = remediated_monitor(receiver, max_per_hour=1), remediated_monitor(receiver, max_per_hour=1)

    run_saying(busy, "CRITICAL")
    run_saying(busy, "CRITICAL")
    run_saying(other, "CRITICAL")

    assert [r.json["monitor_id"] for r in receiver.received] == [str(busy.pk), str(other.pk)]


def test_a_resolved_event_follows_recovery_when_asked_for(receiver):
    monitor = remediated_monitor(receiver, send_resolved=True)

    run_saying(monitor, "CRITICAL")
    run_saying(monitor, "HEALTHY")
    run_saying(monitor, "HEALTHY")

    incident, resolved = (r.json for r in receiver.received)
    assert resolved["event"] == "resolved"
    assert resolved["incident_id"] == incident["incident_id"]
    assert resolved["monitor_id"] == str(monitor.pk) and resolved["severity"] == "HEALTHY"
    assert receiver.received[1].headers["webhook-id"] == f"{incident['incident_id']}.resolved"
    assert Delivery.objects.filter(event="resolved", outcome="sent").count() == 1


def test_no_resolved_event_by_default(receiver):
    monitor = remediated_monitor(receiver)

    run_saying(monitor, "CRITICAL")
    run_saying(monitor, "HEALTHY")

    assert len(receiver.received) == 1
