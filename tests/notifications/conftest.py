"""Peers for notification tests: SMTP, Twilio and a webhook receiver on loopback, and a scripted LLM."""

import pytest

from tests.fakes.verdict_provider import SCRIPTED


@pytest.fixture(autouse=True)
def scripted_llm(settings):
    """Monitors with llm_provider="scripted" get the verdict their logs ask for."""
    settings.LLM_PROVIDERS = {**settings.LLM_PROVIDERS, "scripted": SCRIPTED}
    settings.SITE_URL = "https://logmonitor.example.com"


@pytest.fixture
def smtp(settings):
    from tests.fakes.smtp_server import SMTPServer

    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        settings.DEFAULT_FROM_EMAIL = "logmonitor@example.com"
        yield server


@pytest.fixture
def twilio(settings):
    from tests.fakes.twilio_server import ACCOUNT_SID, AUTH_TOKEN, TwilioServer

    with TwilioServer() as server:
        settings.TWILIO_API_URL = server.url
        settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
        settings.TWILIO_FROM_NUMBER = "+15550000000"
        settings.TWILIO_TIMEOUT_SECONDS = 5
        yield server


@pytest.fixture
def loopback_allowed(settings):
    """Our receivers listen on 127.0.0.1, which the URL safety check refuses unless allow-listed."""
    settings.WEBHOOKS_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.WEBHOOK_TIMEOUT_SECONDS = 3


@pytest.fixture
def receiver(loopback_allowed):
    from tests.fakes.webhook_server import WebhookServer

    with WebhookServer() as server:
        yield server
