"""A community moves forming → active → completed, and only that way."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.communities.models import CommunityStatus
from apps.communities.services import community_change_status
from tests.communities.factories import LearningCommunityFactory
from tests.communities.helpers import english_page
from tests.mfa_helpers import sign_in

pytestmark = pytest.mark.django_db


def status_url(community):
    return reverse("communities:status", args=[community.slug])


def test_coordinator_moves_the_community_forward(client, coordinator):
    community = LearningCommunityFactory(status=CommunityStatus.FORMING)
    sign_in(client, coordinator)

    client.post(status_url(community), {"status": "active"})
    community.refresh_from_db()
    assert community.status == CommunityStatus.ACTIVE

    client.post(status_url(community), {"status": "completed"})
    community.refresh_from_db()
    assert community.status == CommunityStatus.COMPLETED


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("forming", "completed"),
        ("active", "forming"),
        ("completed", "active"),
        ("completed", "forming"),
        ("forming", "nonsense"),
        ("active", "active"),
    ],
)
def test_other_moves_are_refused(client, coordinator, start, target):
    community = LearningCommunityFactory(status=start)
    sign_in(client, coordinator)
    response = client.post(status_url(community), {"status": target})
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.status == start
    with pytest.raises(ValidationError):
        community_change_status(community=community, to_status=target, by=coordinator)


def test_page_offers_only_the_next_status_and_writes_the_status_out(client, coordinator):
    community = LearningCommunityFactory(status=CommunityStatus.FORMING)
    sign_in(client, coordinator)
    response = client.get(english_page(community))
    assert response.context["next_statuses"] == [("active", "active")]
    assert 'name="status" value="active"' in response.text
    assert "Status:" in response.text and "Forming" in response.text


def test_members_are_not_offered_status_buttons(client, member, community):
    client.force_login(member)
    response = client.get(community.get_absolute_url())
    assert response.context["next_statuses"] == []
    assert 'name="status"' not in response.text
