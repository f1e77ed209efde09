"""JSON POSTs through the one outbound HTTP seam, signed with the monitor's webhook secret.

``WebhookChannel`` tells a generic receiver about notification events;
``RemediationChannel`` hands incidents to the remediation agent. Both are
the same transport: the difference is the body the caller puts in
``message.data``.
"""

from __future__ import annotations

import json

from django.conf import settings

from logmonitor.lib import http
from notifications.channels.base import Channel, Message
from notifications.selectors import webhook_secret_for
from notifications.signing import webhook_headers


class WebhookChannel(Channel):
    kind = "webhook"

    def send(self, recipient: str, message: Message, *, monitor) -> int | None:
        body = json.dumps(message.data).encode()
        headers = webhook_headers(secret=webhook_secret_for(monitor), msg_id=message.identity, body=body)
        headers["User-Agent"] = "logmonitor-webhook/1"
        return http.post(recipient, body=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS).status_code


class RemediationChannel(WebhookChannel):
    kind = "remediation"
