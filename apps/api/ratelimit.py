"""Rate limits of the API: fixed windows counted in the cache (Redis), per client IP and per
token. Simple on purpose: a burst at a window's edge may reach twice the limit, which is
fine for keeping one client from crowding out the others."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind proxies (the same count allauth trusts) the address the
    last trusted proxy saw."""
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if len(addresses) >= proxies:
            return addresses[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def rate_limit_hit(*, scope: str, ident: str, limit: int) -> int | None:
    """Count one request of `ident` in the current window: None when within `limit`, else
    the seconds until the window ends (for `Retry-After`)."""
    window = settings.API_RATE_LIMIT_WINDOW_SECONDS
    now = time.time()
    start = int(now // window) * window
    key = f"api-rate:{scope}:{ident}:{start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil(start + window - now))
