"""Reads of people's accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.socialaccount.models import SocialAccount

from .models import User
from .social import (
    SURFCONEXT_PROVIDER_ID,
    account_claims,
    account_personal_claims,
    provider_name,
)


def user_get_or_none(pk: int) -> User | None:
    return User.objects.filter(pk=pk).first()


def user_copy_for_editing(user: User) -> User:
    """A fresh copy of the person's row for a form to change: an invalid submission must not
    show in the page's header, which reads `request.user`."""
    return User.objects.get(pk=user.pk)


def user_home_organisation_domain(*, user: User) -> str:
    """The domain of the institution the person signed in with through SURFconext
    (`schac_home_organization`, e.g. "hsleiden.nl"), or "" when they did not."""
    if not user.is_authenticated:
        return ""
    account = SocialAccount.objects.filter(user=user, provider=SURFCONEXT_PROVIDER_ID).first()
    if account is None:
        return ""
    value = account_claims(account).get("schac_home_organization") or ""
    return value.strip().lower() if isinstance(value, str) else ""


@dataclass(frozen=True)
class LinkedSignIn:
    """A sign-in with another service (SURFconext) linked to a person's account, as "My data"
    shows it and its download holds it. Built from what allauth keeps of the account, never
    from its tokens (which the platform does not store either)."""

    provider_name: str
    identifier: str  # the provider's `sub` for the person (allauth's uid)
    email: str
    claims: dict[str, Any]
    linked_at: datetime
    # allauth saves the account, with the claims of that sign-in, at every sign-in with it.
    last_used_at: datetime


def user_linked_sign_ins(*, user: User) -> list[LinkedSignIn]:
    linked = []
    for account in SocialAccount.objects.filter(user=user).order_by("date_joined", "pk"):
        claims = account_personal_claims(account)
        linked.append(
            LinkedSignIn(
                provider_name=provider_name(account.provider),
                identifier=account.uid,
                email=claims.get("email") or "",
                claims=claims,
                linked_at=account.date_joined,
                last_used_at=account.last_login,
            )
        )
    return linked
