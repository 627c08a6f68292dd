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
