"""Reads of people's accounts."""

from __future__ import annotations

from .models import User


def user_get_or_none(pk: int) -> User | None:
    return User.objects.filter(pk=pk).first()


def user_copy_for_editing(user: User) -> User:
    """A fresh copy of the person's row for a form to change: an invalid submission must not
    show in the page's header, which reads `request.user`."""
    return User.objects.get(pk=user.pk)
