"""SMS through the twilio SDK to a server that answers like Twilio's Messages API."""

import logging

import pytest

from notifications.models import Delivery
from runs.pipeline import run_monitor
from tests.factories import MonitorFactory
from tests.fakes.verdict_provider import inputs_saying

pytestmark = pytest.mark.django_db


def critical_monitor(*numbers):
    return MonitorFactory(
        name="payments-api", llm_provider="scripted", inputs=inputs_saying("CRITICAL"),
        notification_config={"sms_recipients": list(numbers), "notify_on": "alert_only"},
    )


def test_it_texts_a_short_message_with_the_status_and_a_link(twilio):
    run = run_monitor(critical_monitor("+15551230001"))

    assert len(twilio.messages) == 1
    sms = twilio.messages[0]
    assert (sms["To"], sms["From"]) == ("+15551230001", "+15550000000")
    assert sms["Body"].startswith("CRITICAL: payments-api: Scripted verdict CRITICAL.")
    assert sms["Body"].endswith(f"https://logmonitor.example.com/app/runs/{run.pk}/")
    assert len(sms["Body"]) <= 320
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.outcome, delivery.response_code) == ("sms", "sent", 201)


def test_an_invalid_number_is_a_permanent_failure(twilio):
    run = run_monitor(critical_monitor("+15005550001", "+15551230001"))

    bad = Delivery.objects.get(recipient="+15005550001")
    assert bad.outcome == "failed"
    assert bad.response_code == 400
    assert "21211" in bad.error
    assert bad.next_attempt_at is None
    assert Delivery.objects.get(recipient="+15551230001").outcome == "sent"
    run.refresh_from_db()
    assert run.status == "alert"


def test_a_twilio_server_error_is_transient(twilio):
    twilio.fail_next(500, 20500, "Internal Server Error")

    run_monitor(critical_monitor("+15551230001"))

    delivery = Delivery.objects.get()
    assert (delivery.outcome, delivery.response_code) == ("failed", 500)
    assert delivery.next_attempt_at is not None


def test_without_twilio_settings_the_sms_is_logged_and_recorded_as_skipped(settings, caplog):
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = settings.TWILIO_FROM_NUMBER = ""

    with caplog.at_level(logging.INFO, logger="notifications"):
        run_monitor(critical_monitor("+15551230001"))

    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.outcome) == ("sms", "skipped")
    assert "Twilio is not configured" in delivery.error
    assert any("+15551230001" in r.getMessage() and "Scripted verdict CRITICAL." in r.getMessage() for r in caplog.records)


def test_twilio_credentials_never_reach_the_delivery_log(twilio):
    twilio.fail_next(401, 20003, "Authenticate")

    run_monitor(critical_monitor("+15551230001"))

    delivery = Delivery.objects.get()
    assert twilio.requests  # it was really asked
    assert "twilio-token-do-not-leak" not in delivery.error


def test_a_twilio_that_is_down_is_transient_and_the_account_sid_stays_out_of_the_log(twilio, settings, caplog):
    from tests.fakes.smtp_server import free_port

    settings.TWILIO_API_URL = f"http://127.0.0.1:{free_port()}"

    with caplog.at_level(logging.DEBUG):
        run_monitor(critical_monitor("+15551230001"))

    delivery = Delivery.objects.get()
    assert delivery.outcome == "failed" and delivery.next_attempt_at is not None
    assert "cannot reach Twilio" in delivery.error
    assert settings.TWILIO_ACCOUNT_SID not in delivery.error
    assert settings.TWILIO_ACCOUNT_SID not in caplog.text
