"""Writes of the API app: personal tokens, and the stored answers of idempotent requests."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .models import ApiToken, TokenScope

TOKEN_PREFIX = "lc_"
PREFIX_LENGTH = 8


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def api_token_create(
    *, user, name: str, scope: str = TokenScope.READ, expires_at: datetime | None = None
) -> CreatedToken:
    """A new token: `lc_<prefix>_<random>`, 32 random bytes; only the hash is kept."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        scope=scope,
        prefix=prefix,
        secret_hash=token_hash(secret),
        expires_at=expires_at,
    )
    return CreatedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def api_tokens_revoke_all(*, user) -> int:
    """Every usable token of the person, revoked (their account is being deleted)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def api_token_mark_used(*, token: ApiToken, minimum_interval_seconds: int = 60) -> None:
    """Record the use; at most once a minute per token, so reads do not each write."""
    now = timezone.now()
    if token.last_used_at and (now - token.last_used_at).total_seconds() < minimum_interval_seconds:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
