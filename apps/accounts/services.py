"""Writes on a person's own account: the profile and deleting the account."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import User
from .privacy import anonymise_everywhere

PROFILE_FIELDS = (
    "full_name",
    "province",
    "offer",
    "bio",
    "preferred_language",
    "email_visibility",
    "profile_visibility",
)


@transaction.atomic
def profile_update(*, user: User, expertise_topics: Any = None, **values: Any) -> User:
    """Save the profile fields given; `expertise_topics` replaces the person's topics."""
    changed = [name for name in PROFILE_FIELDS if name in values]
    for name in changed:
        setattr(user, name, values[name])
    if changed:
        user.save(update_fields=changed)
    if expertise_topics is not None:
        user.expertise_topics.set(expertise_topics)
    return user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Remove the person: every app removes or anonymises what it holds (contributions
    stay, without their author), then the user row goes with what still cascades from it
    (email addresses, second factors, notifications)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    anonymise_everywhere(locked)
    locked.delete()
