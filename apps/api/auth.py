"""Who an API request acts for: the person of a bearer token, seen as a member.

A token never carries admin rights or a coordinator's regional reach, whoever holds it: the
person is given `coordinator_reach_confirmed = False` (what `CoordinatorReachMiddleware` does
before the second factor), so every `visible_to` answers as for any member. Staff flags play
no part in the API. Public reads take a token optionally (`api_user`); the personal
endpoints require one (`TokenAuth`), writes one with write scope.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from .models import ApiToken, TokenScope
from .ratelimit import rate_limit_hit
from .selectors import api_token_from_secret
from .services import api_token_mark_used


class InvalidToken(Exception):
    """No usable token: unknown, revoked or expired (401)."""


class InsufficientScope(Exception):
    """A read-only token asked to write (403)."""


class RateLimited(Exception):
    def __init__(self, retry_after: int, detail: str):
        super().__init__(detail)
        self.retry_after = retry_after
        self.detail = detail


def as_member(user):
    """The person without coordinator reach (a copy: the instance may be shared)."""
    member = copy.copy(user)
    member.coordinator_reach_confirmed = False
    return member


def _authenticate(request: HttpRequest, secret: str) -> ApiToken:
    token = api_token_from_secret(secret.strip())
    if token is None:
        raise InvalidToken
    retry_after = rate_limit_hit(
        scope="token", ident=str(token.pk), limit=settings.API_RATE_LIMIT_PER_TOKEN
    )
    if retry_after is not None:
        raise RateLimited(
            retry_after,
            f"Limit per token: {settings.API_RATE_LIMIT_PER_TOKEN} requests a window.",
        )
    api_token_mark_used(token=token)
    request.api_token = token
    request.api_user = as_member(token.user)
    return token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; `scope="write"` for writes."""

    def __init__(self, scope: str = TokenScope.READ):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str):
        found = _authenticate(request, token)
        if self.scope == TokenScope.WRITE and found.scope != TokenScope.WRITE:
            raise InsufficientScope
        return request.api_user


read_token = TokenAuth()
write_token = TokenAuth(scope=TokenScope.WRITE)
# The security requirement of the public reads: a token, or nothing (OpenAPI's `{}`).
OPTIONAL_TOKEN = {"security": [{"TokenAuth": []}, {}]}


def api_user(request: HttpRequest):
    """The person of the request's token for a public read, or an anonymous visitor when it
    sends none; a token that is sent must be valid. Session cookies play no part: the API
    answers the same to a browser signed in on the site as to any other client."""
    cached = getattr(request, "api_user", None)
    if cached is not None:
        return cached
    header = request.headers.get("Authorization", "")
    if not header:
        request.api_user = AnonymousUser()
        return request.api_user
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret:
        raise InvalidToken
    _authenticate(request, secret)
    return request.api_user
