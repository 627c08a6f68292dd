"""Reads of the API app: a person's tokens, and the token a request presents."""

from __future__ import annotations

import hmac

from django.db.models import QuerySet

from .models import ApiToken
from .services import TOKEN_PREFIX, token_hash


def api_token_list_for_user(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def api_token_get_for_user(*, user, pk: int) -> ApiToken | None:
    return ApiToken.objects.filter(user=user, pk=pk).first()


def api_token_from_secret(secret: str) -> ApiToken | None:
    """The usable token whose secret this is (of an active person), or None. Found by its
    prefix, then compared by hash in constant time."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    prefix, _sep, _rest = secret[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not _rest:
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("user")
        .filter(prefix=prefix, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, token_hash(secret)):
        return None
    return token
