"""Standard Webhooks signatures, checked by the independent ``standardwebhooks`` package."""

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from notifications import services
from notifications.models import AlertState, Delivery
from notifications.signing import sign
from runs.pipeline import run_monitor
from tests.factories import MonitorFactory
from tests.fakes.verdict_provider import inputs_saying

pytestmark = pytest.mark.django_db


def critical_monitor(receiver):
    return MonitorFactory(
        llm_provider="scripted", inputs=inputs_saying("CRITICAL"),
        notification_config={"webhook_urls": [receiver.url("/notify")]},
        remediation_config={"enabled": True, "remediation_endpoint": receiver.url("/incidents")},
    )


def test_it_matches_the_specs_test_vector():
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')

    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_remediation_and_webhook_posts_verify_with_the_monitors_secret(receiver):
    monitor = critical_monitor(receiver)
    secret = services.webhook_secret_rotate(monitor)

    run_monitor(monitor)

    assert secret.startswith("whsec_")
    assert [r.path for r in receiver.received] == ["/incidents", "/notify"]
    for request in receiver.received:
        payload = Webhook(secret).verify(request.raw, request.headers)
        assert payload == request.json
    assert receiver.received[0].headers["webhook-id"] == receiver.received[0].json["incident_id"]


def test_a_tampered_body_or_an_old_secret_fails_verification(receiver):
    monitor = critical_monitor(receiver)
    old = services.webhook_secret_rotate(monitor)
    new = services.webhook_secret_rotate(monitor)

    run_monitor(monitor)

    request = receiver.received[0]
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(request.raw, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new).verify(request.raw.replace(b"CRITICAL", b"HEALTHY"), request.headers)


def test_without_a_secret_posts_carry_id_and_timestamp_but_no_signature(receiver):
    run_monitor(critical_monitor(receiver))

    headers = receiver.received[0].headers
    assert headers["webhook-id"] and headers["webhook-timestamp"].isdigit()
    assert "webhook-signature" not in headers


def test_the_secret_is_shown_once_and_never_again(receiver, superuser, client):
    monitor = critical_monitor(receiver)
    secret = services.webhook_secret_rotate(monitor)
    run_monitor(monitor)
    client.force_login(superuser)

    pages = [
        client.get(f"/admin/notifications/alertstate/{monitor.pk}/change/"),
        client.get("/admin/notifications/alertstate/"),
        client.get("/admin/notifications/delivery/"),
        client.get(f"/admin/notifications/delivery/{Delivery.objects.first().pk}/change/"),
    ]

    assert all(page.status_code == 200 for page in pages)
    assert AlertState.objects.get(pk=monitor.pk).webhook_secret == secret  # stored, so it can sign
    for page in pages:
        assert secret not in page.content.decode()
        assert secret.removeprefix("whsec_") not in page.content.decode()
    assert "yes" in pages[0].content.decode().lower()  # the page says a secret exists


def test_the_webhooksecret_command_prints_a_new_secret_that_signs(receiver):
    import io

    from django.core.management import call_command

    monitor = critical_monitor(receiver)
    out = io.StringIO()
    call_command("webhooksecret", monitor.name, stdout=out, stderr=io.StringIO())
    run_monitor(monitor)

    secret = out.getvalue().strip()
    assert Webhook(secret).verify(receiver.received[0].raw, receiver.received[0].headers)
