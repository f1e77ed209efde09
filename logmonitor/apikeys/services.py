"""Writes and reads of per-user API keys, shared by the admin and ``manage.py apikey``."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from logmonitor.apikeys.models import UserAPIKey

# A key used again within this long does not rewrite last_used_at: one UPDATE
# per request would make every API call a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class APIKeyError(Exception):
    """The key cannot be created, found or used; the message says why."""


def api_key_create(*, username: str, name: str = "") -> tuple[UserAPIKey, str]:
    """Create a key for ``username``; return it and the plain key, which is never stored or shown again."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise APIKeyError(f"No user named '{username}'.")
    return UserAPIKey.objects.create_key(user=user, name=(name or f"{username} key")[:50])


def api_key_revoke(*, prefix: str) -> UserAPIKey:
    """Revoke the key whose prefix (the part before the dot) is ``prefix``. Cannot be undone."""
    key = UserAPIKey.objects.filter(prefix=prefix).first()
    if key is None:
        raise APIKeyError(f"No API key with prefix '{prefix}'.")
    if not key.revoked:
        key.revoked = True
        key.save(update_fields=["revoked"])
    return key


def api_key_user(plain_key: str):
    """The active user behind ``plain_key``; raise APIKeyError (never saying which keys exist)."""
    prefix, dot, _ = plain_key.partition(".")
    key = UserAPIKey.objects.select_related("user").filter(prefix=prefix).first() if dot else None
    if key is None or not key.is_valid(plain_key):
        raise APIKeyError("Invalid API key.")
    if key.revoked:
        raise APIKeyError("This API key has been revoked.")
    if key.has_expired:
        raise APIKeyError("This API key has expired.")
    if not key.user.is_active:
        raise APIKeyError("The user of this API key is inactive.")
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        UserAPIKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key.user
