"""Shared fixtures. Outside systems are real servers on loopback (tests/fakes/)."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's many rounds cost about a second per test user; no test here is about hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="olga", is_staff=True)


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def openai_server(settings):
    """An OpenAI-compatible server on loopback; the openai provider's settings point at it (no retries)."""
    from tests.fakes.openai_server import OpenAIServer

    with OpenAIServer() as server:
        settings.OPENAI_BASE_URL = server.url
        settings.OPENAI_API_KEY = "sk-test-do-not-leak"
        settings.OPENAI_MODEL = "fake-model-1"
        settings.LLM_MAX_RETRIES = 0
        settings.LLM_TIMEOUT_SECONDS = 5
        yield server


@pytest.fixture
def amazon_q_server(settings):
    """An Amazon Q Business ChatSync peer on loopback; the amazon_q provider's settings point at it."""
    from tests.fakes.amazon_q_server import APPLICATION_ID, AmazonQServer

    with AmazonQServer() as server:
        settings.AMAZON_Q_ENDPOINT_URL = server.url
        settings.AMAZON_Q_APPLICATION_ID = APPLICATION_ID
        settings.AMAZON_Q_USER_ID = ""
        settings.AWS_ACCESS_KEY_ID = "AKIAFAKEFORTESTS"
        settings.AWS_SECRET_ACCESS_KEY = "fake-secret-do-not-leak"
        settings.LLM_MAX_RETRIES = 0
        settings.LLM_TIMEOUT_SECONDS = 5
        yield server


@pytest.fixture
def loghub_samples() -> list:
    """The bundled Loghub samples (demo/logs/*_2k.log), as paths."""
    from pathlib import Path

    samples = sorted((Path(__file__).resolve().parent.parent / "demo" / "logs").glob("*_2k.log"))
    assert samples, "no Loghub samples in demo/logs"
    return samples


@pytest.fixture
def loghub_text(loghub_samples) -> str:
    """The bundled Loghub samples as one logs_text of [label] sections."""
    return "\n\n".join(f"[{path.stem}]\n{path.read_text().rstrip()}" for path in loghub_samples)
