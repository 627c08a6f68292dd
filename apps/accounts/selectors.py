"""Reads of people's accounts."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount

from .models import User
from .social import SURFCONEXT_PROVIDER_ID


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
    data = account.extra_data
    claims = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
    value = claims.get("schac_home_organization") or ""
    return value.strip().lower() if isinstance(value, str) else ""
