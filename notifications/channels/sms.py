"""SMS through Twilio's Messages API (the official SDK), with an explicit timeout."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from notifications.channels.base import Channel, Message, NotConfigured, TransportError

TWILIO_BASE = "https://api.twilio.com"
# The SDK logs every request URL at INFO, and the URL carries the account SID.
_sdk_logger = logging.getLogger("notifications.channels.sms.twilio")
_sdk_logger.setLevel(logging.WARNING)


class ConfigurableTwilioHttpClient(TwilioHttpClient):
    """Sends to ``TWILIO_API_URL`` (a Twilio-compatible gateway, or a test server) instead of api.twilio.com."""

    def __init__(self, *, timeout: float):
        super().__init__(timeout=timeout, logger=_sdk_logger)
        self.session.trust_env = False

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_BASE):
            url = settings.TWILIO_API_URL.rstrip("/") + url[len(TWILIO_BASE):]
        return super().request(method, url, *args, **kwargs)


class SMSChannel(Channel):
    kind = "sms"

    def send(self, recipient: str, message: Message, *, monitor) -> int | None:
        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN and settings.TWILIO_FROM_NUMBER):
            raise NotConfigured("Twilio is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER)")
        client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=ConfigurableTwilioHttpClient(timeout=settings.TWILIO_TIMEOUT_SECONDS),
        )
        try:
            client.messages.create(to=recipient, from_=settings.TWILIO_FROM_NUMBER, body=message.short)
        except TwilioRestException as exc:
            # 429 and 5xx may pass; any other 4xx (21211 invalid number, 21610 unsubscribed ...) will not.
            transient = exc.status == 429 or exc.status >= 500
            code = f" (Twilio error {exc.code})" if exc.code else ""
            raise TransportError(f"Twilio answered HTTP {exc.status}{code}: {exc.msg}", permanent=not transient, response_code=exc.status) from None
        except requests.Timeout:
            raise TransportError(f"Twilio did not answer within {settings.TWILIO_TIMEOUT_SECONDS:g} s") from None
        except (requests.RequestException, TwilioException) as exc:
            # requests' messages quote the URL, which carries the account SID.
            reason = str(exc).replace(settings.TWILIO_ACCOUNT_SID, "AC...")
            raise TransportError(f"cannot reach Twilio at {settings.TWILIO_API_URL}: {reason[:300]}") from None
        return 201
