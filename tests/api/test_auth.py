"""Who may call each endpoint: the auth matrix on every documented endpoint."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.factories import DeliveryFactory, LogSourceFactory, MonitorFactory, MonitorRunFactory, TargetFactory, UserFactory

# (method, path, body, status when allowed). Placeholders name objects from the `world` fixture.
ENDPOINTS = [
    ("get", "/targets", None, 200),
    ("post", "/targets", {"name": "db-2"}, 201),
    ("get", "/targets/{target}", None, 200),
    ("put", "/targets/{target}", {"name": "web-1-renamed"}, 200),
    ("delete", "/targets/{spare_target}", None, 204),
    ("get", "/log-sources", None, 200),
    ("post", "/log-sources", {"name": "syslog-2", "driver": "file", "config": {"path": "{log_path}"}}, 201),
    ("get", "/log-sources/{log_source}", None, 200),
    ("put", "/log-sources/{log_source}", {"name": "app-log", "driver": "file", "config": {"path": "{log_path}"}}, 200),
    ("delete", "/log-sources/{log_source}", None, 204),
    ("post", "/log-sources/{log_source}/test", None, 200),
    ("get", "/monitors", None, 200),
    ("post", "/monitors", {"name": "new", "target_id": "{target}", "prompt": "Errors?", "llm_provider": "stub"}, 201),
    ("get", "/monitors/{monitor}", None, 200),
    ("put", "/monitors/{monitor}", {"name": "renamed", "target_id": "{target}", "prompt": "Errors?"}, 200),
    ("delete", "/monitors/{monitor}", None, 204),
    ("post", "/monitors/{monitor}/run-once", None, 201),
    ("post", "/monitors/{monitor}/collect", None, 200),
    ("get", "/monitors/{monitor}/status", None, 200),
    ("get", "/monitors/status", None, 200),
    ("post", "/monitors/{monitor}/enable", None, 200),
    ("post", "/monitors/{monitor}/disable", None, 200),
    ("post", "/monitors/{monitor}/silence", {"minutes": 60, "reason": "deploy"}, 200),
    ("post", "/monitors/{monitor}/unsilence", None, 200),
    ("post", "/monitors/{monitor}/webhook-secret", None, 201),
    ("get", "/monitors/{monitor}/runs", None, 200),
    ("get", "/monitors/{monitor}/runs/latest", None, 200),
    ("get", "/runs/{run}", None, 200),
    ("get", "/api/schema/", None, 200),
    ("get", "/api/docs/", None, 200),
]
IDS = [f"{method.upper()} {path}" for method, path, _, _ in ENDPOINTS]
UNSAFE = {"post", "put", "delete"}


@pytest.fixture
def world(log_file):
    target = TargetFactory(name="web-1")
    monitor = MonitorFactory(name="web errors", target=target)
    run = MonitorRunFactory(monitor=monitor)
    DeliveryFactory(run=run)
    return {
        "target": target.pk,
        "spare_target": TargetFactory(name="spare").pk,
        "log_source": LogSourceFactory(name="app-log", config={"path": str(log_file)}).pk,
        "monitor": monitor.pk,
        "run": run.pk,
        "log_path": str(log_file),
    }


def fill(template, world):
    """Put the world's ids into a path or body template."""
    if isinstance(template, str):
        for name, value in world.items():
            if template == "{%s}" % name:
                return value
            template = template.replace("{%s}" % name, str(value))
        return template
    if isinstance(template, dict):
        return {key: fill(value, world) for key, value in template.items()}
    return template


def call(client, method, path, body, world):
    return getattr(client, method)(fill(path, world), fill(body, world), format="json")


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=IDS)
def test_anonymous_callers_are_refused(anonymous, world, method, path, body, allowed):
    response = call(anonymous, method, path, body, world)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "X-API-Key"


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=IDS)
def test_anonymous_callers_are_refused_when_no_api_token_is_set(anonymous, client_for, settings, world, method, path, body, allowed):
    settings.API_TOKEN = ""
    assert call(anonymous, method, path, body, world).status_code == 401
    # An empty token must not match an empty setting.
    assert call(client_for(""), method, path, body, world).status_code == 401


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=IDS)
def test_a_wrong_key_is_refused(client_for, world, method, path, body, allowed):
    response = call(client_for("token-for-tests-0123456788"), method, path, body, world)
    assert response.status_code == 401
    if path != "/api/docs/":  # an HTML page: the status is the answer
        assert b"Invalid API key." in response.content


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=IDS)
def test_the_api_token_holder_is_allowed(api, world, method, path, body, allowed):
    response = call(api, method, path, body, world)
    assert response.status_code == allowed, response.content[:500]


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=IDS)
def test_a_staff_session_needs_csrf_on_unsafe_methods(staff_session, world, method, path, body, allowed):
    response = call(staff_session, method, path, body, world)
    if method in UNSAFE:
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]
    else:
        assert response.status_code == allowed


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=IDS)
def test_a_staff_session_with_csrf_token_is_allowed(staff_user, world, method, path, body, allowed):
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = getattr(client, method)(fill(path, world), fill(body, world), format="json", HTTP_X_CSRFTOKEN=_mask_cipher_secret(secret))
    assert response.status_code == allowed, response.content[:500]


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=IDS)
def test_a_per_user_key_of_a_staff_user_is_allowed(client_for, user_key, staff_user, world, method, path, body, allowed):
    response = call(client_for(user_key(staff_user)), method, path, body, world)
    assert response.status_code == allowed, response.content[:500]


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=IDS)
def test_a_revoked_per_user_key_is_refused(client_for, user_key, staff_user, world, method, path, body, allowed):
    from logmonitor.apikeys.services import api_key_revoke

    key = user_key(staff_user)
    api_key_revoke(prefix=key.partition(".")[0])
    response = call(client_for(key), method, path, body, world)
    assert response.status_code == 401
    if path != "/api/docs/":
        assert b"This API key has been revoked." in response.content


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS, ids=IDS)
def test_a_user_who_is_not_staff_is_refused_with_key_or_session(client_for, user_key, world, method, path, body, allowed):
    nils = UserFactory(username="nils", is_staff=False)
    nils.user_permissions.add(Permission.objects.get(codename="manage_command_inputs"))
    assert call(client_for(user_key(nils)), method, path, body, world).status_code == 403
    from rest_framework.test import APIClient

    session = APIClient()
    session.force_login(nils)
    assert call(session, method, path, body, world).status_code == 403


def test_an_expired_per_user_key_is_refused(client_for, user_key, staff_user):
    from logmonitor.apikeys.models import UserAPIKey

    key = user_key(staff_user)
    UserAPIKey.objects.update(expiry_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client_for(key).get("/targets")
    assert response.status_code == 401
    assert response.json() == {"detail": "This API key has expired."}


def test_a_key_of_an_inactive_user_is_refused(client_for, user_key, staff_user):
    key = user_key(staff_user)
    staff_user.is_active = False
    staff_user.save()
    assert client_for(key).get("/targets").status_code == 401


def test_a_per_user_key_with_a_wrong_secret_is_refused(client_for, user_key, staff_user):
    prefix = user_key(staff_user).partition(".")[0]
    response = client_for(f"{prefix}.not-the-secret").get("/targets")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid API key."}
