"""The demo's matches and what members did with challenges: suggested by matching, decided through
the workflow; interest and introductions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from apps.challenges.models import ChallengeInterest
from apps.challenges.services import challenge_interest_express
from apps.matching.models import IntroductionRequest, Match, MatchStatus
from apps.matching.services import (
    introduction_request_create,
    match_set_status,
    match_suggest_pairs,
)

from ..demo_data.matches import INTERESTS, INTRODUCTIONS, MATCHES
from .context import DemoLoad
from .rows import upsert


def load_matches(load: DemoLoad) -> None:
    """The demo's decided pairs."""
    writes, challenges, challenge_pk, org_pk, coordinator, coordinated_provinces = (
        load.writes,
        load.challenges,
        load.challenge_pk,
        load.org_pk,
        load.coordinator,
        load.coordinated_provinces,
    )
    # Matches: the pairs the demo decided on, suggested by matching's own service with the
    # matcher's score and reasons (no second scoring here), then decided through the review
    # workflow (its transition check, the audit trail, the supplier's capacity) by the
    # region's coordinator where the demo has one. A pair stored already keeps its decision
    # until the restore below.
    listed = [(challenge_pk[c], org_pk[o]) for c, o, _status in MATCHES]
    stored_pairs = set(
        Match.objects.filter(
            challenge_id__in={c for c, _o in listed}, organisation_id__in={o for _c, o in listed}
        ).values_list("challenge_id", "organisation_id")
    )
    suggested = match_suggest_pairs(pairs=listed)
    match_rows = []
    for challenge_ref, supplier_ref, status in MATCHES:
        pair = (challenge_pk[challenge_ref], org_pk[supplier_ref])
        computed_at = challenges[challenge_ref].published_at + timedelta(hours=1)
        decided = status != MatchStatus.SUGGESTED
        in_coordinated_hub = challenges[challenge_ref].province_id in coordinated_provinces
        decider = coordinator if decided and in_coordinated_hub else None
        if decided and pair not in stored_pairs:
            match_set_status(match=suggested[pair], status=status, by=decider)
        match_rows.append(
            {
                "challenge_id": pair[0],
                "organisation_id": pair[1],
                "computed_at": computed_at,
                "status": status,
                "status_changed_at": computed_at + timedelta(days=2) if decided else None,
                "status_changed_by_id": decider.pk if decider else None,
            }
        )

    def match_not_suggested(values: dict[str, Any]) -> Match:
        raise AssertionError(f"match_suggest_pairs left out {values}")

    matches = upsert(
        Match.objects.filter(pk__in=[match.pk for match in suggested.values()]),
        key=("challenge_id", "organisation_id"),
        rows=match_rows,
        writes=writes,
        create=match_not_suggested,
    )
    writes.count += len(set(listed) - stored_pairs)
    challenges_by_pk = {obj.pk: obj for obj in challenges.values()}

    load.matches = matches
    load.challenges_by_pk = challenges_by_pk


def load_member_actions(load: DemoLoad) -> None:
    """Interest in challenges and introductions to matched partners."""
    at, writes, user_pk, people_by_pk, challenge_pk, challenges_by_pk, org_pk, matches = (
        load.at,
        load.writes,
        load.user_pk,
        load.people_by_pk,
        load.challenge_pk,
        load.challenges_by_pk,
        load.org_pk,
        load.matches,
    )
    # What members did with the challenges: interest, and an introduction to a matched partner.
    interests = upsert(
        ChallengeInterest.objects.filter(challenge_id__in=challenge_pk.values()),
        key=("challenge_id", "user_id"),
        rows=[
            {
                "challenge_id": challenge_pk[interest.challenge],
                "user_id": user_pk[interest.person],
                "message": interest.message,
                "created_at": at(-interest.days_ago, 15),
            }
            for interest in INTERESTS
        ],
        writes=writes,
        # The challenge's organisation is told.
        create=lambda row: challenge_interest_express(
            challenge=challenges_by_pk[row["challenge_id"]],
            user=people_by_pk[row["user_id"]],
            message=row["message"],
        )[0],
    )
    # Only for a pair the demo matched: a missing one is left out rather than failing the load.
    introduced = [
        (intro, matches[pair])
        for intro in INTRODUCTIONS
        if (pair := (challenge_pk[intro.challenge], org_pk[intro.partner])) in matches
    ]
    matches_by_pk = {match.pk: match for _, match in introduced}
    introductions = upsert(
        IntroductionRequest.objects.filter(match_id__in=matches_by_pk),
        key="match_id",
        rows=[
            {
                "match_id": match.pk,
                "requested_by_id": user_pk[intro.requested_by],
                "message": intro.message,
                "state": IntroductionRequest.State.REQUESTED,
                "decided_at": None,
                "decided_by_id": None,
                "created_at": at(-intro.days_ago, 16),
            }
            for intro, match in introduced
        ],
        writes=writes,
        # The partner's administrators and the region's coordinators are told. A suggested
        # match would be shortlisted here; the demo's table shortlists it already, so a
        # refresh keeps it so and the matcher never removes it.
        create=lambda row: introduction_request_create(
            match=matches_by_pk[row["match_id"]],
            by=people_by_pk[row["requested_by_id"]],
            message=row["message"],
        )[0],
    )

    load.interests = interests
    load.introductions = introductions
