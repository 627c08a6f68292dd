"""The one check of a status workflow (challenges, communities, matches): a move the
workflow's table does not allow is refused with a message naming both statuses in the
reader's language. Each service locks its row and says what the thing is; this says no.
A refusal because of the object's state is a `StateConflict`, kept apart from a refusal of
the input (a plain `ValidationError`), as the API answers them differently (409 and 422)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise


class StateConflict(ValidationError):
    """The object's current state refuses the action, not the request itself: a partner the
    hub handles now, a community that completed its work, a draft without AI topics. Sent
    again after that state changed, the same request may succeed (the API answers 409)."""


class InvalidTransition(StateConflict):
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
