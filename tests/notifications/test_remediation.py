"""The incident POSTed to the remediation agent: contract, conditions, failures."""

import uuid
from datetime import datetime

import pytest

from notifications.models import Delivery
from runs.pipeline import run_monitor
from tests.factories import MonitorFactory
from tests.fakes.smtp_server import free_port
from tests.fakes.verdict_provider import inputs_saying
from tests.fakes.webhook_server import WebhookServer

pytestmark = pytest.mark.django_db


def remediated_monitor(endpoint, *, status="CRITICAL", **remediation):
    return MonitorFactory(
        name="payments-api", llm_provider="scripted", inputs=inputs_saying(status),
        remediation_config={"enabled": True, "remediation_endpoint": endpoint, "trigger_on": ["CRITICAL"],
                            "max_auto_actions": 3, "require_human_approval": False, **remediation},
    )


def test_it_posts_the_incident_with_every_documented_field(receiver):
    monitor = remediated_monitor(receiver.url("/incidents"))

    run = run_monitor(monitor)

    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request.path == "/incidents"
    assert request.headers["content-type"] == "application/json"
    incident = request.json
    assert set(incident) == {
        "incident_id", "monitor_id", "monitor_name", "severity", "summary", "report",
        "recommendations", "logs_excerpt", "timestamp", "remediation_metadata",
    }
    assert uuid.UUID(incident["incident_id"])
    assert incident["monitor_id"] == str(monitor.pk)
    assert incident["monitor_name"] == "payments-api"
    assert incident["severity"] == "CRITICAL"
    assert incident["summary"] == "Scripted verdict CRITICAL."
    assert incident["report"] == "The logs asked for CRITICAL.\nSecond line of the report."
    assert incident["recommendations"] == ["Look at critical things", "Restart the widget"]
    assert "VERDICT=CRITICAL" in incident["logs_excerpt"]
    assert datetime.fromisoformat(incident["timestamp"]) == run.finished_at
    assert incident["remediation_metadata"] == {"max_auto_actions": 3, "require_human_approval": False}
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.outcome, delivery.response_code) == ("remediation", "sent", 200)
    assert delivery.message_id == incident["incident_id"] == request.headers["webhook-id"]


def test_the_logs_excerpt_is_truncated_to_the_configured_size(receiver, settings):
    settings.INCIDENT_LOGS_EXCERPT_CHARS = 60
    monitor = remediated_monitor(receiver.url())
    monitor.inputs = [*inputs_saying("CRITICAL"), {"label": "noise", "mode": "command", "command": "seq 1 500"}]
    monitor.save()

    run_monitor(monitor)

    excerpt = receiver.received[0].json["logs_excerpt"]
    assert len(excerpt) == 60
    assert excerpt.endswith("[... logs truncated for the incident ...]")


@pytest.mark.parametrize(
    ("status", "remediation"),
    [
        ("WARNING", {}),  # not in trigger_on
        ("CRITICAL", {"enabled": False}),
        ("FAIL", {"trigger_on": ["CRITICAL", "WARNING", "HEALTHY"]}),  # an error run has no LLM status
    ],
)
def test_it_sends_nothing_unless_enabled_and_the_raw_status_is_in_trigger_on(receiver, status, remediation):
    monitor = remediated_monitor(receiver.url(), status=status, **remediation)

    run_monitor(monitor)

    assert receiver.received == []
    assert not Delivery.objects.filter(channel="remediation").exists()


def test_warning_triggers_when_listed(receiver):
    run_monitor(remediated_monitor(receiver.url(), status="WARNING", trigger_on=["WARNING", "CRITICAL"]))

    assert receiver.received[0].json["severity"] == "WARNING"


def test_an_endpoint_that_is_down_is_recorded_and_the_run_keeps_its_outcome(loopback_allowed):
    monitor = remediated_monitor(f"http://127.0.0.1:{free_port()}/incidents")

    run = run_monitor(monitor)

    delivery = Delivery.objects.get()
    assert delivery.outcome == "failed"
    assert "cannot connect to 127.0.0.1" in delivery.error
    assert delivery.next_attempt_at is not None
    run.refresh_from_db()
    assert (run.status, run.error) == ("alert", "")


def test_an_endpoint_answering_500_is_recorded_as_a_transient_failure(loopback_allowed):
    with WebhookServer(default_status=500) as agent:
        run = run_monitor(remediated_monitor(agent.url()))

    delivery = Delivery.objects.get()
    assert (delivery.outcome, delivery.response_code) == ("failed", 500)
    assert "HTTP 500" in delivery.error
    assert delivery.next_attempt_at is not None
    run.refresh_from_db()
    assert run.status == "alert"


def test_an_endpoint_answering_4xx_is_a_permanent_failure(loopback_allowed):
    with WebhookServer(default_status=422) as agent:
        run_monitor(remediated_monitor(agent.url()))

    delivery = Delivery.objects.get()
    assert (delivery.outcome, delivery.response_code, delivery.next_attempt_at) == ("failed", 422, None)


def test_remediation_goes_before_notifications(receiver, smtp):
    monitor = remediated_monitor(receiver.url())
    monitor.notification_config = {"email_recipients": ["oncall@example.com"]}
    monitor.save()

    run_monitor(monitor)

    assert list(Delivery.objects.order_by("id").values_list("channel", flat=True)) == ["remediation", "email"]
