"""Who may call the API: staff sessions, the API_TOKEN holder, per-user API keys."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions, permissions


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
    """Accepts ``X-API-Key`` equal to API_TOKEN, compared in constant time."""

    header = "HTTP_X_API_KEY"

    def authenticate(self, request):
        key = request.META.get(self.header)
        if not key:
            return None
        if settings.API_TOKEN and hmac.compare_digest(key.encode(), settings.API_TOKEN.encode()):
            return TokenHolder(), None
        raise exceptions.AuthenticationFailed("Invalid API key.")

    def authenticate_header(self, request):
        return "X-API-Key"


class IsStaffOrAPIKey(permissions.BasePermission):
    """Only staff users or API key holders; anonymous requests are always refused."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)
