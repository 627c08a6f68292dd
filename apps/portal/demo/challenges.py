"""The demo's challenges: made by their author or through the hub's import, and moved along the
review workflow."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

from apps.challenges.exchange import COLUMNS as CHALLENGE_COLUMNS
from apps.challenges.exchange import challenges_import
from apps.challenges.models import Challenge, ChallengeStatus
from apps.challenges.services import (
    challenge_change_status,
    challenge_close,
    challenge_create,
    challenge_publish,
    challenge_reject,
    challenge_submit,
    challenge_update,
)
from apps.core.csv_exchange import join_list
from apps.taxonomy.models import Province

from ..demo_data.challenges import CHALLENGES, Ch
from ..demo_data.communities import COMMUNITIES, Community
from .context import (
    ORGANISATIONS_BY_REF,
    DemoLoad,
)
from .rows import (
    ids,
    import_row,
    sync_links,
    upsert,
)


def load_challenges(load: DemoLoad) -> None:
    """Every challenge at its status (a community's challenges stop at published: forming the
    community takes them on)."""
    rng, taxonomy, at, writes, people_by_pk, user_pk, org_pk, organisations_by_pk = (
        load.rng,
        load.taxonomy,
        load.at,
        load.writes,
        load.people_by_pk,
        load.user_pk,
        load.org_pk,
        load.organisations_by_pk,
    )
    # Challenges: made by their author where the demo has one, and moved along the review
    # workflow by the services to their status (the notices, the audit trail and the match
    # runs come with it); then their dates are set back to a believable history.
    community_of = {ref: c for c in COMMUNITIES for ref in c.challenges}
    challenge_rows = []
    for challenge in CHALLENGES:
        org = ORGANISATIONS_BY_REF[challenge.organisation]
        challenge_rows.append(
            {
                "ref": challenge.ref,
                "organisation_id": org_pk[org.ref],
                "title": challenge.title,
                "description": challenge.description,
                "learning_goals": challenge.learning_goals,
                "province_id": taxonomy.provinces[org.province],
                "time_frame": rng.choice(Challenge.TimeFrame.values),
                "visibility": challenge.visibility,
                "status": challenge.status,
                "rejection_reason": challenge.rejection_reason,
                "created_by_id": user_pk.get(challenge.created_by),
                **_challenge_dates(challenge, community_of.get(challenge.ref), rng, at),
            }
        )

    def challenge_through_workflow(values: dict[str, Any]) -> Challenge:
        listed = challenge_by_ref[values["ref"]]
        author = people_by_pk.get(values["created_by_id"])
        fields = {
            "title": values["title"],
            "description": values["description"],
            "learning_goals": values["learning_goals"],
            "time_frame": values["time_frame"],
            "visibility": values["visibility"],
            "topics": ids(taxonomy.topics, listed.topics),
            "sectors": ids(taxonomy.sectors, listed.sectors),
            "formats": ids(taxonomy.formats, listed.formats),
        }
        organisation = organisations_by_pk[values["organisation_id"]]
        province = Province(pk=values["province_id"])
        reviewer = load.region_coordinator(values["province_id"])
        if author is not None:
            challenge, _created = challenge_create(
                organisation=organisation, by=author, province=province, **fields
            )
        else:
            # An organisation the hub onboarded without people of its own: its challenge is
            # registered for it through the coordinator's import (as a draft), and the
            # coordinator completes what the file has no column for.
            import_row(
                challenges_import,
                CHALLENGE_COLUMNS,
                {
                    "ref": listed.ref,
                    "organisation_ref": listed.organisation,
                    "title": fields["title"],
                    "description": fields["description"],
                    "province": ORGANISATIONS_BY_REF[listed.organisation].province,
                    "topics": join_list(listed.topics.split()),
                    "sectors": join_list(listed.sectors.split()),
                    "formats": join_list(listed.formats.split()),
                    "status": "",
                },
            )
            challenge = challenge_update(
                challenge=Challenge.objects.get(ref=listed.ref),
                by=reviewer,
                province=province,
                **fields,
            )
        status = values["status"]
        if status == ChallengeStatus.DRAFT:
            return challenge
        challenge_submit(challenge=challenge, by=author)
        if status == ChallengeStatus.REJECTED:
            challenge_reject(challenge=challenge, reason=values["rejection_reason"], by=reviewer)
        elif status != ChallengeStatus.SUBMITTED:
            challenge_publish(challenge=challenge, by=reviewer)
            if listed.ref in in_community:
                pass  # its community takes it on below
            elif status == ChallengeStatus.IN_COMMUNITY:
                challenge_change_status(
                    challenge=challenge, to_status=ChallengeStatus.IN_COMMUNITY, by=reviewer
                )
            elif status == ChallengeStatus.CLOSED:
                challenge_close(challenge=challenge, by=reviewer)
        challenge.refresh_from_db()
        return challenge

    challenge_by_ref = {c.ref: c for c in CHALLENGES}
    in_community = {ref for c in COMMUNITIES for ref in c.challenges}
    challenges = upsert(
        Challenge.objects.filter(ref__in=[c.ref for c in CHALLENGES]),
        key="ref",
        rows=challenge_rows,
        writes=writes,
        create=challenge_through_workflow,
        # Where forming a community takes a new challenge on, written once that is done.
        left_to_create={"status", "closed_at"},
    )
    challenge_pk = {ref: obj.pk for ref, obj in challenges.items()}
    for field, lookup, value_of in (
        ("topics", taxonomy.topics, lambda c: c.topics),
        ("sectors", taxonomy.sectors, lambda c: c.sectors),
        ("formats", taxonomy.formats, lambda c: c.formats),
    ):
        wanted = {challenge_pk[c.ref]: ids(lookup, value_of(c)) for c in CHALLENGES}
        sync_links(Challenge, field, wanted, writes)

    load.challenge_rows = challenge_rows
    load.challenge_by_ref = challenge_by_ref
    load.challenges = challenges
    load.challenge_pk = challenge_pk


def restore_challenge_history(load: DemoLoad) -> None:
    """The challenges again, once their communities formed and closed them: the dates and the
    status of the demo's history."""
    upsert(
        Challenge.objects.filter(pk__in=load.challenge_pk.values()),
        key="ref",
        rows=load.challenge_rows,
        writes=load.writes,
    )


def _challenge_dates(
    challenge: Ch,
    community: Community | None,
    rng: random.Random,
    at: Callable[[int, int], datetime],
) -> dict[str, datetime | None]:
    """A consistent history for the challenge's status: created, submitted, published and
    closed in that order, and published before the community around it started."""
    hour = rng.randint(8, 17)
    if community is not None:
        published = community.started_days_ago + rng.randint(5, 20)
    else:
        published = rng.randint(4, 60)
    submitted = published + rng.randint(1, 7)
    created = submitted + rng.randint(1, 14)
    if community is not None and community.ended_days_ago:
        closed = community.ended_days_ago
    else:
        closed = rng.randint(1, published - 1)
    status = challenge.status
    if status == ChallengeStatus.DRAFT:
        created = rng.randint(1, 20)
    elif status in (ChallengeStatus.SUBMITTED, ChallengeStatus.REJECTED):
        submitted = rng.randint(1, 12)
        created = submitted + rng.randint(1, 14)
    return {
        "created_at": at(-created, hour),
        "submitted_at": None if status == ChallengeStatus.DRAFT else at(-submitted, hour + 1),
        "published_at": at(-published, hour + 2)
        if status
        in (ChallengeStatus.PUBLISHED, ChallengeStatus.IN_COMMUNITY, ChallengeStatus.CLOSED)
        else None,
        "closed_at": at(-closed, hour + 2) if status == ChallengeStatus.CLOSED else None,
    }
