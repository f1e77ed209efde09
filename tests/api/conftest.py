"""API fixtures: named callers (the token holder, Olga the plain staff, Rita the superuser, Nils not staff)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

API_TOKEN = "token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def api_settings(db, settings, tmp_path):
    """A known API_TOKEN, a fresh throttle budget, and a readable log directory for file sources."""
    settings.API_TOKEN = API_TOKEN
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins
    settings.LOG_FILE_ROOTS = [str(tmp_path)]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(db):
    """The API_TOKEN holder."""
    return APIClient(HTTP_X_API_KEY=API_TOKEN)


@pytest.fixture
def anonymous(db):
    return APIClient()


@pytest.fixture
def user_key(db):
    """Make a per-user API key for a user; return the plain key (shown once)."""
    from logmonitor.apikeys.services import api_key_create

    def make(user, name="script"):
        return api_key_create(username=user.username, name=name)[1]

    return make


@pytest.fixture
def client_for(db):
    """An API client that sends ``key`` in X-API-Key."""

    def make(key):
        return APIClient(HTTP_X_API_KEY=key)

    return make


@pytest.fixture
def staff_session(staff_user):
    """Olga, plain staff, logged in; CSRF is enforced as in a browser."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff_user)
    return client


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / "app.log"
    path.write_text("".join(f"line {n} ok\n" for n in range(1, 11)) + "ERROR disk full\n")
    return path
