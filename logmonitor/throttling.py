"""Rate limits for the actions that run commands, read logs or call the LLM."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class ExpensiveActionThrottle(SimpleRateThrottle):
    """``run-once``, ``collect`` and ``test`` share one budget per caller: REST_FRAMEWORK rate "expensive"."""

    scope = "expensive"

    def get_rate(self):
        # Read at request time, not import time, so API_EXPENSIVE_THROTTLE and
        # override_settings both take effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        user = request.user
        if user and user.is_authenticated:
            ident = f"user-{user.pk}" if user.pk is not None else user.username
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
