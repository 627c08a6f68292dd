"""The one check of a status workflow (challenges, communities, matches): a move the
workflow's table does not allow is refused with a message naming both statuses in the
reader's language. Each service locks its row and says what the thing is; this says no."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise


class InvalidTransition(ValidationError):
    """A status move the workflow does not allow."""


def transition_allowed(allowed: Mapping[str, frozenset[str]], current: str, to: str) -> bool:
    return to in allowed.get(current, frozenset())


def transition_check(
    *,
    allowed: Mapping[str, frozenset[str]],
    statuses: type[models.TextChoices],
    current: str,
    to: str,
    refusal: str | Promise,
    error: type[InvalidTransition] = InvalidTransition,
) -> None:
    """Raise `error` unless `allowed` lets `current` move to `to`. `refusal` is the app's
    translated sentence with `%(from)s` and `%(to)s`; an unknown `to` is named as given."""
    if transition_allowed(allowed, current, to):
        return
    raise error(
        refusal
        % {
            "from": statuses(current).label,
            "to": statuses(to).label if to in statuses.values else to,
        },
        code="invalid_transition",
    )
