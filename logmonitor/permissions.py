"""Who may call the API: staff sessions, the API_TOKEN holder, per-user API keys."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions, permissions

from logmonitor.apikeys.services import APIKeyError, api_key_user
from monitors.schemas import InputSpec

# Command inputs run programs on the host: creating or changing them needs this
# permission, which superusers and the API_TOKEN holder have and plain staff do not.
COMMAND_INPUTS_PERMISSION = "monitors.manage_command_inputs"


class TokenHolder(AnonymousUser):
    """The holder of API_TOKEN: a machine, trusted like a superuser."""

    is_authenticated = True
    is_staff = True
    is_superuser = True
    username = "api-token"

    def has_perm(self, perm, obj=None):
        return True

    def __str__(self):
        return self.username


class APIKeyAuthentication(authentication.BaseAuthentication):
    """Accepts ``X-API-Key``: API_TOKEN (constant-time compare) or a per-user key, which acts as its user."""

    header = "HTTP_X_API_KEY"

    def authenticate(self, request):
        key = request.META.get(self.header)
        if not key:
            return None
        if settings.API_TOKEN and hmac.compare_digest(key.encode(), settings.API_TOKEN.encode()):
            return TokenHolder(), None
        try:
            return api_key_user(key), None
        except APIKeyError as exc:
            raise exceptions.AuthenticationFailed(str(exc)) from None

    def authenticate_header(self, request):
        return "X-API-Key"


class IsStaffOrAPIKey(permissions.BasePermission):
    """Only staff users or API key holders; anonymous requests are always refused."""

    message = "Staff only: log in as staff or send an X-API-Key header."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)


def command_inputs(inputs) -> list[dict]:
    """The command inputs of a list of inputs, normalised so that equal commands compare equal."""
    found = []
    for item in inputs or []:
        if not isinstance(item, dict) or item.get("mode", "command") != "command":
            continue
        try:
            item = InputSpec.model_validate(item).model_dump(exclude_none=True)
        except ValueError:
            pass  # stored before a schema change: compare as stored
        found.append(item)
    return found


def check_command_inputs(user, *, old_inputs, new_inputs) -> None:
    """Refuse (403) a write that adds or changes a command input unless ``user`` may manage them.

    Both lists are normalised (validated) inputs; removing a command is allowed to anyone.
    """
    old = command_inputs(old_inputs)
    added_or_changed = [item for item in command_inputs(new_inputs) if item not in old]
    if added_or_changed and not user.has_perm(COMMAND_INPUTS_PERMISSION):
        raise exceptions.PermissionDenied(
            f"Creating or changing command inputs needs the '{COMMAND_INPUTS_PERMISSION}' permission."
        )
