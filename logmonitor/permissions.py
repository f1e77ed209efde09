"""Who may call the API: staff sessions, the API_TOKEN holder, per-user API keys.

What a caller may change (command inputs) is the services' rule, shared with
the admin and the pages: ``monitors.services.check_command_inputs``.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions, permissions

from logmonitor.apikeys.services import APIKeyError, api_key_user


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
