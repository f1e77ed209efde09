"""Transient failures are retried as django-q2 tasks with backoff, keeping the message identity."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from notifications import tasks
from notifications.channels import retry_delay
from notifications.models import Delivery
from tests.factories import MonitorFactory
from tests.fakes.verdict_provider import inputs_saying
from tests.fakes.webhook_server import WebhookServer
from runs.pipeline import run_monitor

pytestmark = pytest.mark.django_db


def remediated_monitor(url):
    return MonitorFactory(
        llm_provider="scripted", inputs=inputs_saying("CRITICAL"),
        remediation_config={"enabled": True, "remediation_endpoint": url},
    )


def test_a_server_that_fails_twice_gets_one_logical_delivery_in_three_attempts(loopback_allowed, django_capture_on_commit_callbacks):
    with WebhookServer(statuses=[500, 503]) as agent:
        with django_capture_on_commit_callbacks(execute=True):
            run_monitor(remediated_monitor(agent.url()))
        first = Delivery.objects.get()
        schedule = Schedule.objects.get(name=f"notification-retry-{first.pk}")
        assert schedule.func == "notifications.tasks.retry_delivery"
        assert schedule.next_run == first.next_attempt_at > timezone.now()

        with django_capture_on_commit_callbacks(execute=True):
            tasks.retry_delivery(first.pk)
        second = Delivery.objects.latest("id")
        tasks.retry_delivery(second.pk)

    attempts = list(Delivery.objects.order_by("id").values_list("attempt", "outcome", "response_code", "message_id"))
    incident_id = agent.received[0].json["incident_id"]
    assert attempts == [(1, "failed", 500, incident_id), (2, "failed", 503, incident_id), (3, "sent", 200, incident_id)]
    assert len(agent.received) == 3
    assert {r.headers["webhook-id"] for r in agent.received} == {incident_id}
    assert agent.received[0].raw == agent.received[1].raw == agent.received[2].raw  # the same incident, resent


def test_a_retry_task_that_runs_twice_sends_once(loopback_allowed):
    with WebhookServer(statuses=[500]) as agent:
        run_monitor(remediated_monitor(agent.url()))
        first = Delivery.objects.get()
        tasks.retry_delivery(first.pk)
        assert tasks.retry_delivery(first.pk) == "nothing to retry"

    assert len(agent.received) == 2
    assert Delivery.objects.count() == 2


def test_permanent_failures_are_not_retried(loopback_allowed, django_capture_on_commit_callbacks):
    with WebhookServer(default_status=400) as agent, django_capture_on_commit_callbacks(execute=True):
        run_monitor(remediated_monitor(agent.url()))

    delivery = Delivery.objects.get()
    assert (delivery.outcome, delivery.response_code, delivery.next_attempt_at) == ("failed", 400, None)
    assert not Schedule.objects.exists()
    assert tasks.retry_delivery(delivery.pk) == "nothing to retry"


def test_an_sms_to_an_invalid_number_is_not_retried_but_a_twilio_outage_is(twilio):
    twilio.fail_next(503, 20503, "Service Unavailable")
    monitor = MonitorFactory(
        llm_provider="scripted", inputs=inputs_saying("CRITICAL"),
        notification_config={"sms_recipients": ["+15005550001", "+15551230001"]},
    )

    run_monitor(monitor)  # the outage hits the first number, the second is invalid

    outage, invalid = Delivery.objects.order_by("id")
    assert outage.next_attempt_at is not None and invalid.next_attempt_at is None
    tasks.retry_delivery(outage.pk)
    retried = Delivery.objects.latest("id")
    assert (retried.attempt, retried.outcome) == (2, "failed")  # still +15005550001: now Twilio says invalid
    assert retried.response_code == 400 and retried.next_attempt_at is None


def test_429_waits_at_least_retry_after(loopback_allowed):
    with WebhookServer(statuses=[429], extra_headers={"Retry-After": "600"}) as agent:
        run_monitor(remediated_monitor(agent.url()))

    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at - delivery.created_at >= timedelta(seconds=599)


def test_it_stops_after_the_attempt_limit(loopback_allowed, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    with WebhookServer(default_status=500) as agent:
        run_monitor(remediated_monitor(agent.url()))
        tasks.retry_delivery(Delivery.objects.get().pk)
    last = Delivery.objects.latest("id")

    assert (last.attempt, last.outcome, last.next_attempt_at) == (2, "failed", None)
    assert "retry" not in last.error


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.NOTIFY_RETRY_BASE_SECONDS, settings.NOTIFY_RETRY_MAX_SECONDS = 30, 200

    delays = {attempt: [retry_delay(attempt) for _ in range(200)] for attempt in (1, 2, 3, 6)}

    assert all(15 <= d <= 30 for d in delays[1])
    assert all(30 <= d <= 60 for d in delays[2])
    assert all(60 <= d <= 120 for d in delays[3])
    assert all(d <= 200 for d in delays[6])
    assert len(set(delays[1])) > 100  # jitter: not one fixed value


def test_an_email_retry_resends_the_same_message_with_the_same_message_id(smtp):
    smtp.temporary_failures = 1
    monitor = MonitorFactory(
        llm_provider="scripted", inputs=inputs_saying("CRITICAL"), notification_config={"email_recipients": ["oncall@example.com"]},
    )

    run_monitor(monitor)
    first = Delivery.objects.get()
    tasks.retry_delivery(first.pk)

    second = Delivery.objects.latest("id")
    assert (first.outcome, first.response_code, second.attempt, second.outcome) == ("failed", 451, 2, "sent")
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["Message-ID"] == f"<{first.message_id}@logmonitor>"
    assert "Scripted verdict CRITICAL." in smtp.messages[0].get_body(("html",)).get_content()


def test_notifying_twice_for_one_run_counts_it_once(receiver):
    from notifications import services

    monitor = MonitorFactory(llm_provider="scripted", inputs=inputs_saying("CRITICAL"), notification_config={"webhook_urls": [receiver.url()]})
    run = run_monitor(monitor)

    assert services.tell(monitor, run) == []
    assert len(receiver.received) == 1
