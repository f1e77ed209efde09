"""Email through Django's SMTP backend to a real SMTP server (aiosmtpd) on loopback."""

import pytest

from notifications.models import Delivery
from runs.pipeline import run_monitor
from tests.factories import MonitorFactory
from tests.fakes.verdict_provider import inputs_saying

pytestmark = pytest.mark.django_db


def critical_monitor(**notification):
    return MonitorFactory(
        name="payments-api",
        llm_provider="scripted",
        inputs=inputs_saying("CRITICAL"),
        notification_config={"notify_on": "alert_only", **notification},
    )


def test_it_emails_text_and_html_with_the_verdict_and_a_link_to_the_run(smtp):
    monitor = critical_monitor(email_recipients=["oncall@example.com"])

    run = run_monitor(monitor)

    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "oncall@example.com"
    assert message["From"] == "logmonitor@example.com"
    assert message["Subject"] == "[logmonitor] CRITICAL: payments-api - Scripted verdict CRITICAL."
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    run_url = f"https://logmonitor.example.com/app/runs/{run.pk}/"
    for body in (text, html):
        assert "CRITICAL" in body
        assert "Scripted verdict CRITICAL." in body  # summary
        assert "The logs asked for CRITICAL." in body  # report
        assert "Look at critical things" in body and "Restart the widget" in body  # recommendations
        assert run_url in body
    assert f'<a href="{run_url}">' in html
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.recipient, delivery.outcome, delivery.run) == ("email", "oncall@example.com", "sent", run)
    assert message["Message-ID"] == f"<{delivery.message_id}@logmonitor>"


def test_it_escapes_llm_text_in_the_html_part(smtp):
    monitor = critical_monitor(email_recipients=["oncall@example.com"])
    monitor.inputs = inputs_saying("CRITICAL", extra="<script>x</script>")
    monitor.save()

    run_monitor(monitor)

    html = smtp.messages[0].get_body(("html",)).get_content()
    assert "<script>" not in html


@pytest.mark.parametrize(
    ("notify_on", "status", "sent"),
    [
        ("alert_only", "CRITICAL", True),
        ("alert_only", "WARNING", False),
        ("alert_only", "HEALTHY", False),
        ("warn_and_alert", "WARNING", True),
        ("warn_and_alert", "HEALTHY", False),
        ("all", "HEALTHY", True),
        ("all", "WARNING", True),
    ],
)
def test_it_follows_notify_on(smtp, notify_on, status, sent):
    monitor = MonitorFactory(
        llm_provider="scripted", inputs=inputs_saying(status),
        notification_config={"email_recipients": ["oncall@example.com"], "notify_on": notify_on},
    )

    run_monitor(monitor)

    assert len(smtp.messages) == int(sent)
    assert Delivery.objects.filter(outcome="sent").count() == int(sent)


def test_every_run_mode_sends_every_matching_run_as_before(smtp):
    monitor = critical_monitor(email_recipients=["oncall@example.com"])

    for _ in range(3):
        run_monitor(monitor)

    assert len(smtp.messages) == 3


def test_a_permanent_rejection_is_recorded_and_not_retried_while_others_still_get_theirs(smtp):
    monitor = critical_monitor(email_recipients=["reject-me@example.com", "oncall@example.com"])

    run = run_monitor(monitor)

    rejected = Delivery.objects.get(recipient="reject-me@example.com")
    assert rejected.outcome == "failed"
    assert rejected.response_code == 550
    assert "No such user" in rejected.error
    assert rejected.next_attempt_at is None
    assert Delivery.objects.get(recipient="oncall@example.com").outcome == "sent"
    run.refresh_from_db()
    assert run.status == "alert"


def test_a_temporary_rejection_is_recorded_and_queues_a_retry(smtp):
    monitor = critical_monitor(email_recipients=["busy@example.com"])

    run_monitor(monitor)

    delivery = Delivery.objects.get()
    assert delivery.outcome == "failed"
    assert delivery.response_code == 451
    assert delivery.next_attempt_at is not None


def test_an_smtp_server_that_is_down_is_recorded_and_the_run_keeps_its_outcome(settings):
    from tests.fakes.smtp_server import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    monitor = critical_monitor(email_recipients=["oncall@example.com"])

    run = run_monitor(monitor)

    delivery = Delivery.objects.get()
    assert delivery.outcome == "failed"
    assert "SMTP 127.0.0.1" in delivery.error
    assert delivery.next_attempt_at is not None  # connection refused is worth another try
    run.refresh_from_db()
    assert (run.status, run.error) == ("alert", "")
