"""The API app's personal data: a person's tokens (never their secret), found by
`apps.accounts.privacy.privacy_modules` like every app's."""

from __future__ import annotations

from typing import Any

from .models import ApiToken
from .services import api_tokens_revoke_all


def personal_data(user) -> dict[str, Any]:
    return {
        "api_tokens": [
            {
                "name": token.name,
                "scope": token.scope,
                "prefix": token.prefix,
                "created_at": token.created_at.isoformat(),
                "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
                "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
            }
            for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ]
    }


def anonymise(user) -> None:
    """The account is being deleted: its tokens stop working at once (revoked in the same
    transaction; the rows then go with the user)."""
    api_tokens_revoke_all(user=user)
