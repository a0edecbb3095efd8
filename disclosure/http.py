"""What every public page and file gets: a rate limit per client address, a language from
the URL (?lang=en; zh-hans otherwise), Cache-Control, and 429 in plain words.

Counts live in the default cache (Redis when REDIS_URL is set), one key per address and
window, so every web process shares them. The rate is settings.PUBLIC_RATE_LIMIT
("<requests>/<second|minute|hour>"), read on every request.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

LANGUAGES = {"zh-hans", "en"}
DEFAULT_LANGUAGE = "zh-hans"
PERIODS = {"second": 1, "minute": 60, "hour": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """(requests, seconds) from "120/minute" or "120/min"; ValueError for anything else."""
    count, _slash, period = rate.partition("/")
    seconds = next((s for name, s in PERIODS.items() if name.startswith(period)), None)
    if not period or seconds is None:
        raise ValueError(f"{rate!r} is not a rate such as 120/minute")
    return int(count), seconds


def over_limit(address: str) -> int:
    """0 if the address may make one more request now, else the seconds until it may."""
    limit, seconds = parse_rate(settings.PUBLIC_RATE_LIMIT)
    window = int(time.time() // seconds)
    key = f"public-rate:{address}:{window}"
    cache.add(key, 0, seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens a new window
        cache.add(key, 1, seconds + 1)
        count = 1
    return 0 if count <= limit else seconds - int(time.time()) % seconds or 1


def language_of(request) -> str:
    lang = request.GET.get("lang", "")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def public(view):
    """A public page or file: rate limited per address, in the URL's language, cacheable
    by anyone for settings.PUBLIC_CACHE_SECONDS when read (GET/HEAD), never when posted."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        lang = language_of(request)
        with translation.override(lang):
            wait = over_limit(request.META.get("REMOTE_ADDR", ""))
            if wait:
                response = HttpResponse(
                    _("Too many requests from your address; please try again in %(s)s seconds.")
                    % {"s": wait},
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(wait)
                return response
            response = view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD") and response.status_code in (200, 304):
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
            else:
                patch_cache_control(response, no_store=True)
            response["Content-Language"] = lang
            return response

    return wrapped
