"""The communities admin: learning records are read per region; join requests are decided
through the same services as on the site."""

import pytest
from django.urls import reverse

from apps.communities.models import CommunityMembership, JoinRequest
from apps.hubs.services import coordinator_group_ensure
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from tests.communities.factories import (
    JoinRequestFactory,
    LearningCommunityFactory,
    LearningRecordFactory,
)
from tests.hubs.factories import hub
from tests.mfa_helpers import login_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    from tests.accounts.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


def test_learning_records_are_listed_within_budget(
    client, superuser, django_assert_max_num_queries
):
    LearningRecordFactory.create_batch(3)
    login_with_second_factor(client, superuser)
    url = reverse("admin:communities_learningrecord_changelist")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    LearningRecordFactory.create_batch(20)
    with django_assert_max_num_queries(12) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_learning_records_cannot_be_added_in_the_admin(client, superuser):
    login_with_second_factor(client, superuser)
    assert client.get(reverse("admin:communities_learningrecord_add")).status_code == 403


def test_learning_record_admin_is_scoped_to_the_coordinators_hubs(client, coordinator):
    from django.contrib import admin

    from apps.communities.models import LearningRecord

    own = LearningRecordFactory(text="Zuid-Holland")
    LearningRecordFactory(
        community=LearningCommunityFactory(hub=hub("noord-nederland")), text="Noord"
    )
    request = type("Request", (), {"user": coordinator})()
    rows = admin.site._registry[LearningRecord].get_queryset(request)
    assert list(rows) == [own]


def test_admin_action_approves_pending_requests_through_the_service(client, coordinator):
    coordinator.groups.add(coordinator_group_ensure())
    community = LearningCommunityFactory()
    requests = JoinRequestFactory.create_batch(2, community=community)
    login_with_second_factor(client, coordinator)

    client.post(
        reverse("admin:communities_joinrequest_changelist"),
        {"action": "approve_selected", "_selected_action": [r.pk for r in requests]},
    )

    assert CommunityMembership.objects.filter(community=community).count() == 2
    assert set(JoinRequest.objects.values_list("state", flat=True)) == {"approved"}
    assert Notification.objects.filter(kind=NotificationKind.COMMUNITY_JOIN_DECISION).count() == 2


# --- The community's change form writes through the services -------------------------------


def community_payload(community, **overrides):
    def empty(prefix):
        return {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }

    return {
        "name": community.name,
        "hub": community.hub_id,
        "status": community.status,
        "is_public": "on",
        "goal": community.goal,
        "learning_objectives": "",
        "challenges": [c.pk for c in community.challenges.all()],
        "organisations": [o.pk for o in community.organisations.all()],
        **empty("memberships"),
        **empty("activities"),
        **empty("join_requests"),
        **overrides,
    }


@pytest.fixture
def hub_coordinator(coordinator):
    """Staff, in the "Hub coordinators" group, coordinator of hub zuid-holland."""
    coordinator.groups.add(coordinator_group_ensure())
    return coordinator


def change_url(community):
    return reverse("admin:communities_learningcommunity_change", args=[community.pk])


def test_the_admin_moves_a_community_only_along_its_workflow(client, hub_coordinator):
    from apps.communities.models import CommunityStatus

    community = LearningCommunityFactory(hub=hub("zuid-holland"), status=CommunityStatus.FORMING)
    login_with_second_factor(client, hub_coordinator)

    response = client.post(
        change_url(community), community_payload(community, status=CommunityStatus.COMPLETED)
    )

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    community.refresh_from_db()
    assert community.status == CommunityStatus.FORMING

    response = client.post(
        change_url(community), community_payload(community, status=CommunityStatus.ACTIVE)
    )

    assert response.status_code == 302
    community.refresh_from_db()
    assert community.status == CommunityStatus.ACTIVE


def test_a_challenge_added_in_the_admin_joins_through_the_service(client, hub_coordinator, sme):
    from apps.challenges.models import ChallengeStatus
    from apps.communities.models import CommunityInvitation
    from apps.organisations.models import Membership
    from tests.challenges.factories import ChallengeFactory
    from tests.organisations.factories import MembershipFactory

    community = LearningCommunityFactory(hub=hub("zuid-holland"))
    owner = MembershipFactory(organisation=sme, role=Membership.Role.ADMIN).user
    published = ChallengeFactory(organisation=sme, status=ChallengeStatus.PUBLISHED)
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    login_with_second_factor(client, hub_coordinator)

    refused = client.post(
        change_url(community), community_payload(community, challenges=[draft.pk])
    )

    assert refused.status_code == 200
    assert "challenges" in refused.context["adminform"].form.errors
    assert not community.challenges.exists()

    response = client.post(
        change_url(community), community_payload(community, challenges=[published.pk])
    )

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == ChallengeStatus.IN_COMMUNITY
    assert list(community.challenges.all()) == [published]
    assert sme in community.organisations.all()
    assert CommunityInvitation.objects.filter(community=community, user=owner).exists()

    # And it stays: taking it out is refused.
    kept = client.post(change_url(community), community_payload(community, challenges=[]))
    assert "challenges" in kept.context["adminform"].form.errors
    assert list(community.challenges.all()) == [published]


# --- Activities and updates made in the admin tell the members, as on the site --------------


@pytest.fixture
def zh_community_with_member():
    from tests.communities.factories import CommunityMembershipFactory

    community = LearningCommunityFactory(hub=hub("zuid-holland"))
    member = CommunityMembershipFactory(community=community).user
    return community, member


def member_notices(member, kind):
    return list(
        Notification.objects.filter(recipient=member, kind=kind).values_list("title", flat=True)
    )


def test_an_activity_planned_and_cancelled_in_the_admin_is_told_to_the_members(
    client, hub_coordinator, zh_community_with_member
):
    from datetime import timedelta

    from django.utils import timezone

    from apps.communities.models import Activity
    from tests.accounts.factories import UserFactory

    community, member = zh_community_with_member
    login_with_second_factor(client, hub_coordinator)
    starts = timezone.localtime() + timedelta(days=10)

    response = client.post(
        reverse("admin:communities_activity_add"),
        {
            "community": community.pk,
            "kind": Activity.Kind.WORKSHOP,
            "title": "Datadag",
            "description": "",
            "starts_at_0": starts.strftime("%Y-%m-%d"),
            "starts_at_1": "10:00:00",
            "ends_at_0": starts.strftime("%Y-%m-%d"),
            "ends_at_1": "12:00:00",
            "location": "Delft",
            "online_url": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    activity = Activity.objects.get(title="Datadag")
    assert len(member_notices(member, NotificationKind.COMMUNITY_ACTIVITY)) == 1

    # Coordinators delete nothing (they change or cancel); staff with the right may.
    client.logout()
    login_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True))
    deleted = client.post(
        reverse("admin:communities_activity_delete", args=[activity.pk]), {"post": "yes"}
    )
    assert deleted["Location"] == reverse("admin:communities_activity_changelist")

    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert len(member_notices(member, NotificationKind.COMMUNITY_ACTIVITY)) == 2


def test_an_update_posted_in_the_admin_is_told_to_the_members(
    client, hub_coordinator, zh_community_with_member
):
    community, member = zh_community_with_member
    login_with_second_factor(client, hub_coordinator)

    response = client.post(
        reverse("admin:communities_update_add"),
        {"community": community.pk, "author": hub_coordinator.pk, "body": "Volgende week data!"},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert len(member_notices(member, NotificationKind.COMMUNITY_UPDATE)) == 1


def test_an_activity_added_on_the_community_page_is_told_to_the_members(
    client, hub_coordinator, zh_community_with_member
):
    from datetime import timedelta

    from django.utils import timezone

    from apps.communities.models import Activity

    community, member = zh_community_with_member
    login_with_second_factor(client, hub_coordinator)
    day = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%d")

    response = client.post(
        change_url(community),
        community_payload(
            community,
            **{
                "activities-TOTAL_FORMS": "1",
                "activities-0-community": community.pk,
                "activities-0-kind": Activity.Kind.MEETING,
                "activities-0-title": "Terugkomdag",
                "activities-0-starts_at_0": day,
                "activities-0-starts_at_1": "14:00:00",
                "activities-0-ends_at_0": day,
                "activities-0-ends_at_1": "16:00:00",
                "activities-0-location": "Gouda",
                "activities-0-online_url": "",
            },
        ),
    )

    assert response.status_code == 302
    assert community.activities.get().title == "Terugkomdag"
    assert len(member_notices(member, NotificationKind.COMMUNITY_ACTIVITY)) == 1
