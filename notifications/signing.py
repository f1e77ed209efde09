"""Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over ``id.timestamp.body``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh secret in the spec's form: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value: ``v1,<base64 HMAC-SHA256>``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(*, secret: str, msg_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers for one POST; a retry gets a fresh timestamp but keeps ``webhook-id``, so receivers can deduplicate."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {"Content-Type": "application/json", "webhook-id": msg_id, "webhook-timestamp": str(timestamp)}
    if secret:
        headers["webhook-signature"] = sign(secret, msg_id, timestamp, body)
    return headers
