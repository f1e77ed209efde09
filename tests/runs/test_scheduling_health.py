"""GET /healthz: anonymous, no secrets, 503 when the dispatcher has gone quiet."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from runs.models import DispatcherHeartbeat
from tests.factories import MonitorRunFactory

pytestmark = pytest.mark.django_db


def beat(seconds_ago):
    return DispatcherHeartbeat.objects.create(name=f"loop@host-{seconds_ago}", last_tick_at=timezone.now() - timedelta(seconds=seconds_ago))


def test_it_reports_a_healthy_stack_to_an_anonymous_probe(client):
    beat(seconds_ago=200)
    recent = beat(seconds_ago=2)
    run = MonitorRunFactory()

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True}
    assert body["broker"]["ok"] is True and body["broker"]["kind"] in {"orm", "redis"}
    assert body["dispatcher"]["last_tick_at"] == recent.last_tick_at.isoformat()
    assert body["last_finished_run_at"] == run.finished_at.isoformat()
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_fails_when_no_dispatcher_ticked_for_several_intervals(client):
    beat(seconds_ago=181)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["dispatcher"]["ok"] is False
    assert body["dispatcher"]["seconds_since_tick"] >= 181


def test_it_fails_when_no_dispatcher_ever_ticked(client):
    assert client.get("/healthz").status_code == 503


def test_a_switched_off_scheduler_is_not_a_failure(client, settings):
    settings.SCHEDULER_ENABLED = False

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["dispatcher"]["enabled"] is False


def test_it_shows_no_configuration_or_secrets(client, settings):
    beat(seconds_ago=1)
    # Canaries, so the check cannot pass just because the test settings leave secrets empty.
    for name in django_settings.SECRET_SETTING_NAMES:
        if name not in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):  # these are read at start-up only
            setattr(settings, name, f"canary-{name.lower()}")

    text = client.get("/healthz").content.decode()

    for name in django_settings.SECRET_SETTING_NAMES:
        value = str(getattr(django_settings, name, "") or "")
        if len(value) > 3:
            assert value not in text, name
    assert "canary-" not in text
    assert str(django_settings.DATABASES["default"]["NAME"]) not in text
