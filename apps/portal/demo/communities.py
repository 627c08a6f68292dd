"""The demo's learning communities: formed around accepted matches, joined by invitation or
request, and what happens in them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from apps.accounts.models import User
from apps.challenges.models import ChallengeStatus
from apps.challenges.services import challenge_close
from apps.communities.models import (
    Activity,
    CommunityInvitation,
    CommunityMembership,
    JoinRequest,
    LearningCommunity,
    LearningRecord,
    Update,
)
from apps.communities.services import (
    activity_create,
    community_challenge_add,
    community_change_status,
    community_form_from_matches,
    community_invitation_accept,
    community_update_create,
    join_request_approve,
    join_request_create,
    learning_record_save,
)
from apps.communities.services.joining import PARTICIPANT_ROLE_VALUES

from ..demo_data.communities import COMMUNITIES, LEARNING_RECORDS, Community
from ..demo_data.people import (
    COORDINATED_HUB,
    PEOPLE,
    PROGRAMME_COORDINATOR,
)
from .context import (
    ANNOUNCED_WITHIN_DAYS,
    COMMUNITY_STATUS_PATH,
    DemoLoad,
)
from .rows import (
    last_notice,
    notices_read_as_history,
    sync_links,
    upsert,
)


def load_communities(load: DemoLoad) -> None:
    """The communities and their members."""
    (
        at,
        writes,
        hubs,
        people,
        user_pk,
        org_pk,
        coordinator,
        challenges,
        challenge_pk,
        challenge_by_ref,
    ) = (
        load.at,
        load.writes,
        load.hubs,
        load.people,
        load.user_pk,
        load.org_pk,
        load.coordinator,
        load.challenges,
        load.challenge_pk,
        load.challenge_by_ref,
    )
    # Learning communities: formed by a coordinator around their first challenge and its
    # accepted partners, as on the site (`community_form_from_matches`: the invitations, the
    # challenge "in a community", the audit trail), with their further challenges added by
    # `community_challenge_add`. The demo's members take up their invitation, or ask to join
    # and are let in; then the community moves along forming -> active -> completed. The
    # demo's own rows restore the rest of its history below.
    community_by_slug = {c.slug: c for c in COMMUNITIES}

    def community_former(c: Community) -> User:
        """Who formed it: the demo's hub coordinator in that hub, the programme coordinator
        (who works nationally) elsewhere."""
        return coordinator if c.hub == COORDINATED_HUB else people[PROGRAMME_COORDINATOR]

    def form_community(values: dict[str, Any]) -> LearningCommunity:
        listed = community_by_slug[values["slug"]]
        former = community_former(listed)
        notices_before = last_notice()
        community, _formed = community_form_from_matches(
            challenge=challenges[listed.challenges[0]],
            by=former,
            name=listed.name,
            goal=listed.goal,
            learning_objectives=listed.learning_objectives,
            is_public=listed.is_public,
        )
        for ref in listed.challenges[1:]:
            community_challenge_add(community=community, challenge=challenges[ref], by=former)
        invitations = {
            invitation.user_id: invitation
            for invitation in CommunityInvitation.objects.filter(community=community)
        }
        for email, role in listed.members:
            person = people[email]
            if person.pk == former.pk:
                continue
            if person.pk in invitations:
                community_invitation_accept(invitation=invitations[person.pk], by=person)
                continue
            # A co-coordinator asks as a participant; the coordinators' role is given in the
            # admin afterwards (the restore below).
            request, _created = join_request_create(
                community=community,
                user=person,
                role=role if role in PARTICIPANT_ROLE_VALUES else CommunityMembership.Role.LECTURER,
            )
            join_request_approve(join_request=request, by=former)
        for status in COMMUNITY_STATUS_PATH[listed.status]:
            community_change_status(community=community, to_status=status, by=former)
        for ref in listed.challenges:
            if challenge_by_ref[ref].status == ChallengeStatus.CLOSED:
                challenge_close(challenge=challenges[ref], by=former)
        if listed.started_days_ago > ANNOUNCED_WITHIN_DAYS:
            # Formed long ago: its invitations were answered and their notices read then.
            started = at(-listed.started_days_ago)
            notices_read_as_history(after=notices_before, at=started + timedelta(days=1))
            CommunityInvitation.objects.filter(community=community).update(created_at=started)
            CommunityInvitation.objects.filter(
                community=community, decided_at__isnull=False
            ).update(decided_at=started + timedelta(days=1))
        return community

    communities = upsert(
        LearningCommunity.objects.filter(slug__in=[c.slug for c in COMMUNITIES]),
        key="slug",
        rows=[
            {
                "slug": c.slug,
                "name": c.name,
                "goal": c.goal,
                "learning_objectives": c.learning_objectives,
                "hub_id": hubs[c.hub].pk,
                "status": c.status,
                "is_public": c.is_public,
                "created_at": at(-c.started_days_ago),
            }
            for c in COMMUNITIES
        ],
        writes=writes,
        create=form_community,
    )
    community_pk = {slug: obj.pk for slug, obj in communities.items()}
    communities_by_pk = {obj.pk: obj for obj in communities.values()}
    sync_links(
        LearningCommunity,
        "challenges",
        {community_pk[c.slug]: {challenge_pk[ref] for ref in c.challenges} for c in COMMUNITIES},
        writes,
    )
    sync_links(
        LearningCommunity,
        "organisations",
        {community_pk[c.slug]: {org_pk[ref] for ref in c.organisations} for c in COMMUNITIES},
        writes,
    )
    person_org = {p.email: p.organisation for p in PEOPLE}
    in_communities = list(community_pk.values())

    def member_missing(values: dict[str, Any]) -> CommunityMembership:
        raise AssertionError(f"Demo member not brought in by forming the community: {values}")

    members = upsert(
        CommunityMembership.objects.filter(community_id__in=in_communities),
        key=("community_id", "user_id"),
        rows=[
            {
                "community_id": community_pk[c.slug],
                "user_id": user_pk[email],
                "organisation_id": org_pk.get(person_org[email]),
                "role": role,
                "joined_at": at(-c.started_days_ago + index),
            }
            for c in COMMUNITIES
            for index, (email, role) in enumerate(c.members)
        ],
        writes=writes,
        create=member_missing,
    )
    load.communities = communities
    load.community_pk = community_pk
    load.communities_by_pk = communities_by_pk
    load.in_communities = in_communities
    load.members = members


def load_community_life(load: DemoLoad) -> None:
    """Requests to join, activities, updates and learning records."""
    at, writes, user_pk, people_by_pk, community_pk, communities_by_pk, in_communities = (
        load.at,
        load.writes,
        load.user_pk,
        load.people_by_pk,
        load.community_pk,
        load.communities_by_pk,
        load.in_communities,
    )
    join_requests = upsert(
        JoinRequest.objects.filter(community_id__in=in_communities),
        key=("community_id", "user_id"),
        rows=[
            {
                "community_id": community_pk[c.slug],
                "user_id": user_pk[email],
                "role": role,
                "message": message,
                "state": JoinRequest.State.PENDING,
                "decided_at": None,
                "decided_by_id": None,
                "created_at": at(-2 - index, 20),
            }
            for c in COMMUNITIES
            for index, (email, role, message) in enumerate(c.join_requests)
        ],
        writes=writes,
        # The community's coordinators are told.
        create=lambda row: join_request_create(
            community=communities_by_pk[row["community_id"]],
            user=people_by_pk[row["user_id"]],
            role=row["role"],
            message=row["message"],
        )[0],
    )
    upcoming = {
        (community_pk[c.slug], meeting.title)
        for c in COMMUNITIES
        for meeting in c.activities
        if meeting.days_from_today >= 0
    }

    def plan_activity(values: dict[str, Any]) -> Activity:
        """Planned as a coordinator plans it on the site (the service tells the members); for
        a past activity that notice is history, read a week before it took place."""
        notices_before = last_notice()
        fields = {name: value for name, value in values.items() if name != "community_id"}
        activity = activity_create(
            community=communities_by_pk[values["community_id"]], by=None, **fields
        )[0]
        if (values["community_id"], values["title"]) not in upcoming:
            notices_read_as_history(
                after=notices_before, at=values["starts_at"] - timedelta(days=7)
            )
        return activity

    activities = upsert(
        Activity.objects.filter(community_id__in=in_communities),
        key=("community_id", "title"),
        rows=[
            {
                "community_id": community_pk[c.slug],
                "title": meeting.title,
                "kind": meeting.kind,
                "description": meeting.description,
                "starts_at": at(meeting.days_from_today, meeting.hour),
                "ends_at": at(meeting.days_from_today, meeting.hour + 2),
                "location": meeting.location,
                "online_url": meeting.online_url,
            }
            for c in COMMUNITIES
            for meeting in c.activities
        ],
        writes=writes,
        create=plan_activity,
    )
    recent_posts = {
        (community_pk[c.slug], post.body)
        for c in COMMUNITIES
        for post in c.updates
        if post.days_ago <= ANNOUNCED_WITHIN_DAYS
    }

    def post_update(values: dict[str, Any]) -> Update:
        """Posted as a member posts it on the site (the service tells the other members); the
        notices of an older update are history, read long ago."""
        notices_before = last_notice()
        update = community_update_create(
            community=communities_by_pk[values["community_id"]],
            author=people_by_pk[values["author_id"]],
            body=values["body"],
        )[0]
        if (values["community_id"], values["body"]) not in recent_posts:
            notices_read_as_history(after=notices_before, at=values["created_at"])
        return update

    updates = upsert(
        Update.objects.filter(community_id__in=in_communities),
        key=("community_id", "body"),
        rows=[
            {
                "community_id": community_pk[c.slug],
                "body": post.body,
                "author_id": user_pk[post.author],
                "created_at": at(-post.days_ago, 11),
            }
            for c in COMMUNITIES
            for post in c.updates
        ],
        writes=writes,
        create=post_update,
    )

    records = upsert(
        LearningRecord.objects.filter(community_id__in=in_communities),
        key=("community_id", "user_id"),
        rows=[
            {
                "community_id": community_pk[record.community],
                "user_id": user_pk[_member(record.community, record.author)],
                "text": record.text,
                "created_at": at(-record.days_ago - 20, 17),
                "updated_at": at(-record.days_ago, 17),
            }
            for record in LEARNING_RECORDS
        ],
        writes=writes,
        # Written by the participant, as on the site (the service checks they take part).
        create=lambda row: learning_record_save(
            community=communities_by_pk[row["community_id"]],
            user=people_by_pk[row["user_id"]],
            text=row["text"],
        ),
    )

    load.join_requests = join_requests
    load.activities = activities
    load.updates = updates
    load.records = records


def _member(community: str, email: str) -> str:
    """`email`, checked to be a member of the community in COMMUNITIES."""
    members = {member for c in COMMUNITIES if c.slug == community for member, _role in c.members}
    if email not in members:
        raise ValueError(f"Demo learning record by {email}, who is not in {community}.")
    return email
