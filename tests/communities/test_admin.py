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
