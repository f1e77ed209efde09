"""POST /monitors/{id}/silence, /unsilence and /webhook-secret; the silence in the status snapshot."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from notifications.models import AlertState, Delivery
from notifications.signing import webhook_headers
from tests.factories import AlertStateFactory, MonitorFactory, MonitorRunFactory
from tests.fakes.verdict_provider import SCRIPTED, run_saying
from tests.fakes.webhook_server import WebhookServer


def test_silence_for_minutes_sets_the_alert_state_and_shows_in_the_snapshots(api):
    monitor = MonitorFactory(name="checkout")
    before = timezone.now()

    response = api.post(f"/monitors/{monitor.pk}/silence", {"minutes": 60, "reason": "deploy"}, format="json")

    assert response.status_code == 200
    state = AlertState.objects.get(monitor=monitor)
    assert before + timedelta(minutes=60) <= state.silenced_until <= timezone.now() + timedelta(minutes=60)
    assert state.silence_reason == "deploy"
    expected = {"silenced_until": state.silenced_until.isoformat().replace("+00:00", "Z"), "silence_reason": "deploy"}
    assert {key: response.json()[key] for key in expected} == expected
    one = api.get(f"/monitors/{monitor.pk}/status").json()
    assert (one["silenced_until"], one["silence_reason"]) == (response.json()["silenced_until"], "deploy")
    listed = api.get("/monitors/status").json()["results"][0]
    assert (listed["silenced_until"], listed["silence_reason"]) == (one["silenced_until"], "deploy")


def test_silence_until_an_iso_time(api):
    monitor = MonitorFactory()
    until = (timezone.now() + timedelta(days=3)).replace(microsecond=0)

    response = api.post(f"/monitors/{monitor.pk}/silence", {"until": until.isoformat()}, format="json")

    assert response.status_code == 200
    assert AlertState.objects.get(monitor=monitor).silenced_until == until
    assert response.json()["silence_reason"] == ""


@pytest.mark.parametrize(("body", "fields"), [
    ({}, {"until", "minutes"}),
    ({"minutes": 5, "until": "SOON"}, {"until", "minutes"}),
    ({"until": "2020-01-01T00:00:00Z"}, {"until"}),
    ({"until": "2999-01-01T00:00:00Z"}, {"until"}),
    ({"until": "tomorrow"}, {"until"}),
    ({"minutes": 0}, {"minutes"}),
    ({"minutes": 43201}, {"minutes"}),
    ({"minutes": 60, "reason": "x" * 201}, {"reason"}),
])
def test_a_bad_silence_is_a_400_naming_the_field(api, body, fields):
    monitor = MonitorFactory()
    if body.get("until") == "SOON":  # a valid time, so only the "exactly one" rule is broken
        body = {**body, "until": (timezone.now() + timedelta(hours=1)).isoformat()}

    response = api.post(f"/monitors/{monitor.pk}/silence", body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not AlertState.objects.filter(silenced_until__isnull=False).exists()


def test_the_longest_silence_is_30_days(api):
    monitor = MonitorFactory()
    assert api.post(f"/monitors/{monitor.pk}/silence", {"minutes": 43200}, format="json").status_code == 200


def test_unsilence_ends_it_and_an_ended_silence_reads_as_none(api):
    monitor, ended = MonitorFactory(name="a"), MonitorFactory(name="b")
    AlertStateFactory(monitor=monitor, silenced_until=timezone.now() + timedelta(hours=1), silence_reason="deploy")
    AlertStateFactory(monitor=ended, silenced_until=timezone.now() - timedelta(minutes=1), silence_reason="old")

    response = api.post(f"/monitors/{monitor.pk}/unsilence")

    assert response.status_code == 200
    assert (response.json()["silenced_until"], response.json()["silence_reason"]) == (None, "")
    assert AlertState.objects.get(monitor=monitor).silenced_until is None
    assert [(s["silenced_until"], s["silence_reason"]) for s in api.get("/monitors/status").json()["results"]] == [(None, ""), (None, "")]


def test_silence_of_an_unknown_monitor_is_a_404(api):
    assert api.post("/monitors/999/silence", {"minutes": 5}, format="json").status_code == 404
    assert api.post("/monitors/999/webhook-secret").status_code == 404


def test_the_new_webhook_secret_verifies_signatures_and_is_returned_nowhere_else(api):
    monitor = MonitorFactory()
    run = MonitorRunFactory(monitor=monitor)

    response = api.post(f"/monitors/{monitor.pk}/webhook-secret")

    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    secret = response.json()["secret"]
    assert secret.startswith("whsec_") and AlertState.objects.get(monitor=monitor).webhook_secret == secret
    body = json.dumps({"event": "problem"}).encode()
    headers = webhook_headers(secret=secret, msg_id="msg_1", body=body, timestamp=int(time.time()))
    assert Webhook(secret).verify(body, headers) == {"event": "problem"}
    for path in (f"/monitors/{monitor.pk}", "/monitors", f"/monitors/{monitor.pk}/status", "/monitors/status", f"/runs/{run.pk}", "/api/schema/"):
        answer = api.get(path)
        assert answer.status_code == 200 and secret.encode() not in answer.content, path
    again = api.post(f"/monitors/{monitor.pk}/webhook-secret").json()["secret"]
    assert again != secret


def test_a_monitor_silenced_through_the_api_records_a_skipped_delivery_instead_of_sending(api, settings):
    settings.LLM_PROVIDERS = {**settings.LLM_PROVIDERS, "scripted": SCRIPTED}
    settings.WEBHOOKS_ALLOWED_HOSTS, settings.WEBHOOK_TIMEOUT_SECONDS = ["127.0.0.1"], 3
    with WebhookServer() as receiver:
        monitor = MonitorFactory(llm_provider="scripted", notification_config={"webhook_urls": [receiver.url()]})
        assert api.post(f"/monitors/{monitor.pk}/silence", {"minutes": 60, "reason": "deploy"}, format="json").status_code == 200

        run = run_saying(monitor, "CRITICAL")

        assert run.status == "alert"
        delivery = Delivery.objects.get(run=run)
        assert (delivery.channel, delivery.outcome) == ("webhook", "skipped")
        assert delivery.error.startswith("silenced until") and delivery.error.endswith("(deploy)")
        assert receiver.received == []

        api.post(f"/monitors/{monitor.pk}/unsilence")
        run_saying(monitor, "CRITICAL")
        assert [r.json["state"] for r in receiver.received] == ["alert"]
