"""Rate limits per user and per client address, for obtaining tokens and for writes.

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (set from the
environment in config/settings.py) and are read on every request, so tests and
deployments can change them without re-importing these classes. Counts live in
the default cache (Redis when REDIS_URL is set).
"""

import hashlib
from collections.abc import Mapping

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

SAFE = {"GET", "HEAD", "OPTIONS"}


class _Throttle(SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class WriteUserThrottle(_Throttle):
    """Writes per authenticated user."""

    scope = "write-user"

    def get_cache_key(self, request, view):
        if request.method in SAFE or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class WriteAddressThrottle(_Throttle):
    """Writes per client address, whoever sends them."""

    scope = "write-ip"

    def get_cache_key(self, request, view):
        if request.method in SAFE:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthAddressThrottle(_Throttle):
    """Token requests per client address."""

    scope = "auth-ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthUserThrottle(_Throttle):
    """Token requests per username tried, from any address."""

    scope = "auth-user"

    def get_cache_key(self, request, view):
        if request.method != "POST" or not isinstance(request.data, Mapping):
            return None  # only a token request names a username; a body not an object is a 400
        username = request.data.get("username")
        if not isinstance(username, str) or not username:
            return None
        # Hashed: a username may hold any character, a cache key may not.
        ident = hashlib.sha256(username.lower().encode(errors="replace")).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
