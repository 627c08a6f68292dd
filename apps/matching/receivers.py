"""Matching's reactions to what happens in the apps below it: the one place that decides
which changes mean suggestions must be computed again.

The signals come inside the writing transaction, so the runs recorded here (durable intent)
commit or roll back with the change; workers get them after the commit.
"""

from __future__ import annotations

from django.dispatch import receiver

from apps.challenges.models import Challenge
from apps.challenges.signals import challenge_changed, challenge_published
from apps.organisations.signals import organisation_changed

from .models import MatchRun
from .services import match_run_create, match_schedule_for_suppliers

# What the matcher reads from a challenge (`selectors.demand_load`) ...
CHALLENGE_FIELDS = frozenset(
    {"title", "description", "learning_goals", "province", "topics", "sectors", "formats"}
)
# ... and from a supplier (`selectors.supply_load`); a demand organisation is never matched.
SUPPLIER_FIELDS = frozenset(
    {
        "kind",
        "province",
        "topics",
        "sectors",
        "formats",
        "capacity",
        "serves_nationally",
        "is_active",
        "verified_at",
        "description",
        "name",
    }
)


def _matters(fields: frozenset[str] | None, to: frozenset[str]) -> bool:
    return fields is None or not to.isdisjoint(fields)


@receiver(challenge_published, dispatch_uid="matching.challenge_published")
def challenges_published(sender, *, challenge_ids, trigger, **kwargs) -> None:
    _match_published(challenge_ids, trigger)


@receiver(challenge_changed, dispatch_uid="matching.challenge_changed")
def challenges_changed(sender, *, challenge_ids, fields, trigger, **kwargs) -> None:
    if _matters(fields, CHALLENGE_FIELDS):
        _match_published(challenge_ids, trigger)


def _match_published(challenge_ids, trigger: str) -> None:
    published = list(
        Challenge.objects.published().filter(pk__in=challenge_ids).values_list("pk", flat=True)
    )
    if published:
        match_run_create(kind=MatchRun.Kind.CHALLENGE, challenge_ids=published, trigger=trigger)


@receiver(organisation_changed, dispatch_uid="matching.organisation_changed")
def organisations_changed(sender, *, organisation_ids, fields, trigger, **kwargs) -> None:
    if _matters(fields, SUPPLIER_FIELDS):
        match_schedule_for_suppliers(organisation_ids=organisation_ids, trigger=trigger)
