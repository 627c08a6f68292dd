"""Writes of the API app: personal tokens, and the stored answers of idempotent requests."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ApiToken, IdempotentRequest, TokenScope

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


# --- Idempotency-Key ---------------------------------------------------------------------------


class IdempotencyKeyReused(Exception):
    """The key was used for another request (another method, path or body) within its time."""


def _idempotency_cutoff() -> datetime:
    return timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)


def idempotent_request_claim(
    *, user, key: str, method: str, path: str, body_hash: str
) -> tuple[IdempotentRequest, bool]:
    """Claim `key` for this request, or find the answer stored for it.

    Returns `(row, replay)`: `replay` is True when an earlier request with the same method,
    path and body already answered (its answer is on the row). Call it in the transaction
    that does the work and then stores the answer (`idempotent_request_complete`): the row
    is inserted first, so a concurrent duplicate waits on the unique (person, key) until
    that transaction ends, and then replays the answer (or, when it rolled back, does the
    work itself). Raises `IdempotencyKeyReused` for the same key with another request.
    """
    try:
        with transaction.atomic():
            row = IdempotentRequest.objects.create(
                user=user,
                key=key,
                method=method,
                path=path,
                body_hash=body_hash,
                status=0,
                response_body={},
            )
        return row, False
    except IntegrityError:
        pass
    row = IdempotentRequest.objects.select_for_update().get(user=user, key=key)
    if row.created_at < _idempotency_cutoff():
        # Expired: the key starts afresh, as if it had been purged.
        row.method, row.path, row.body_hash = method, path, body_hash
        row.status, row.response_body, row.created_at = 0, {}, timezone.now()
        row.save()
        return row, False
    if (row.method, row.path, row.body_hash) != (method, path, body_hash):
        raise IdempotencyKeyReused
    return row, True


def idempotent_request_complete(
    *, request_row: IdempotentRequest, status: int, body: dict[str, Any]
) -> None:
    """Keep a successful answer for retries; a refusal is not kept (the retry runs again,
    e.g. after the client fixed what was refused)."""
    if 200 <= status < 300:
        request_row.status = status
        request_row.response_body = body
        request_row.save(update_fields=["status", "response_body"])
    else:
        request_row.delete()


def idempotent_requests_purge() -> int:
    """Forget the answers older than `API_IDEMPOTENCY_HOURS`."""
    deleted, _rows = IdempotentRequest.objects.filter(created_at__lt=_idempotency_cutoff()).delete()
    return deleted
