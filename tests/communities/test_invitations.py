"""Answering an invitation to a community on the site: only the invited person sees it;
accepting makes them a member (once), declining is recorded; the coordinators hear either
answer. Open invitations show on the community page and in "My overview"."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from apps.communities.models import (
    CommunityInvitation,
    CommunityMembership,
    CommunityStatus,
    JoinRequest,
)
from apps.communities.services import community_invitation_accept, community_invitation_decline
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.communities.factories import (
    CommunityMembershipFactory,
    JoinRequestFactory,
    LearningCommunityFactory,
)
from tests.mfa_helpers import sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

Role = CommunityMembership.Role
State = CommunityInvitation.State


@pytest.fixture
def hbo():
    return OrganisationFactory(name="Hogeschool Lekstroom", kind_slug="hbo")


@pytest.fixture
def invitee(hbo):
    return MembershipFactory(organisation=hbo).user


@pytest.fixture
def forming_community(coordinator):
    """A members-only community in formation, run by `coordinator` (hub zuid-holland) and a
    member with the coordinator role."""
    community = LearningCommunityFactory(
        name="Slimmer bakken", slug="slimmer-bakken", is_public=False
    )
    CommunityMembershipFactory(community=community, role=Role.COORDINATOR)
    return community


@pytest.fixture
def invitation(forming_community, invitee, hbo, coordinator):
    return CommunityInvitation.objects.create(
        community=forming_community,
        user=invitee,
        organisation=hbo,
        role=Role.LECTURER,
        invited_by=coordinator,
    )


def url(name: str, invitation, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"communities:{name}", kwargs={"pk": invitation.pk})


def coordinators_told(community) -> set[int]:
    return set(
        Notification.objects.filter(kind=NotificationKind.COMMUNITY_JOIN_REQUEST).values_list(
            "recipient_id", flat=True
        )
    )


# --- Permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["invitation", "invitation_accept", "invitation_decline"])
def test_anonymous_is_sent_to_log_in(client, invitation, name):
    response = (
        client.get(url(name, invitation))
        if name == "invitation"
        else client.post(url(name, invitation))
    )

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["member", "outsider", "coordinator", "other_hub_coordinator"])
@pytest.mark.parametrize("name", ["invitation", "invitation_accept", "invitation_decline"])
def test_anyone_but_the_invitee_gets_404(client, invitation, persona, name, request):
    sign_in(client, request.getfixturevalue(persona))

    response = (
        client.get(url(name, invitation))
        if name == "invitation"
        else client.post(url(name, invitation))
    )

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == State.PENDING


def test_the_invitee_sees_the_invitation(client, invitation, invitee):
    client.force_login(invitee)

    response = client.get(url("invitation", invitation))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Slimmer bakken" in page
    assert url("invitation_accept", invitation) in page
    assert url("invitation_decline", invitation) in page


def test_answers_are_posted_not_fetched(client, invitation, invitee):
    client.force_login(invitee)

    assert client.get(url("invitation_accept", invitation)).status_code == 405
    assert client.get(url("invitation_decline", invitation)).status_code == 405


def test_the_service_refuses_someone_else(invitation, member):
    with pytest.raises(PermissionDenied):
        community_invitation_accept(invitation=invitation, by=member)
    with pytest.raises(PermissionDenied):
        community_invitation_decline(invitation=invitation, by=member)


# --- Accepting ---------------------------------------------------------------------------------


def test_accepting_makes_the_invitee_a_member_for_the_invited_organisation(
    client, invitation, invitee, hbo, forming_community
):
    client.force_login(invitee)

    response = client.post(url("invitation_accept", invitation))

    assert response.status_code == 302
    assert response["Location"].startswith(forming_community.get_absolute_url())
    membership = CommunityMembership.objects.get(community=forming_community, user=invitee)
    assert (membership.organisation, membership.role) == (hbo, Role.LECTURER)
    assert hbo in forming_community.organisations.all()
    invitation.refresh_from_db()
    assert invitation.state == State.ACCEPTED
    assert invitation.decided_at is not None


def test_accepting_twice_makes_one_membership_and_one_notice(
    client, invitation, invitee, forming_community, coordinator
):
    client.force_login(invitee)

    client.post(url("invitation_accept", invitation))
    client.post(url("invitation_accept", invitation))

    assert CommunityMembership.objects.filter(user=invitee).count() == 1
    notices = Notification.objects.filter(kind=NotificationKind.COMMUNITY_JOIN_REQUEST)
    # The hub's coordinator and the community's own coordinator, once each.
    assert notices.count() == 2
    assert coordinator.pk in coordinators_told(forming_community)
    assert invitee.pk not in coordinators_told(forming_community)


def test_accepting_answers_a_pending_request_to_join(invitation, invitee, forming_community):
    request = JoinRequestFactory(community=forming_community, user=invitee)

    community_invitation_accept(invitation=invitation, by=invitee)

    request.refresh_from_db()
    assert request.state == JoinRequest.State.WITHDRAWN


def test_a_completed_community_takes_no_one(client, invitation, invitee, forming_community):
    forming_community.status = CommunityStatus.COMPLETED
    forming_community.save()
    client.force_login(invitee)

    response = client.post(url("invitation_accept", invitation))

    assert response.status_code == 302
    assert not CommunityMembership.objects.filter(user=invitee).exists()
    invitation.refresh_from_db()
    assert invitation.state == State.PENDING


def test_a_used_invitation_does_not_bring_a_removed_member_back(
    invitation, invitee, forming_community
):
    community_invitation_accept(invitation=invitation, by=invitee)
    CommunityMembership.objects.filter(user=invitee).delete()

    with pytest.raises(ValidationError) as refused:
        community_invitation_accept(invitation=invitation, by=invitee)

    assert refused.value.code == "used"
    assert not CommunityMembership.objects.filter(user=invitee).exists()


# --- Declining ---------------------------------------------------------------------------------


def test_declining_is_recorded_and_the_coordinators_are_told(
    client, invitation, invitee, forming_community, coordinator
):
    client.force_login(invitee)

    response = client.post(url("invitation_decline", invitation))

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == State.DECLINED
    assert invitation.decided_at is not None
    assert not CommunityMembership.objects.filter(user=invitee).exists()
    assert coordinator.pk in coordinators_told(forming_community)


def test_declining_twice_is_one_decline(invitation, invitee):
    community_invitation_decline(invitation=invitation, by=invitee)
    community_invitation_decline(invitation=invitation, by=invitee)

    assert Notification.objects.filter(kind=NotificationKind.COMMUNITY_JOIN_REQUEST).count() == 2


def test_a_declined_invitation_can_still_be_accepted(invitation, invitee, forming_community):
    community_invitation_decline(invitation=invitation, by=invitee)

    community_invitation_accept(invitation=invitation, by=invitee)

    assert CommunityMembership.objects.filter(community=forming_community, user=invitee).exists()


def test_an_accepted_invitation_cannot_be_declined(client, invitation, invitee):
    community_invitation_accept(invitation=invitation, by=invitee)
    client.force_login(invitee)

    client.post(url("invitation_decline", invitation))

    invitation.refresh_from_db()
    assert invitation.state == State.ACCEPTED
    assert CommunityMembership.objects.filter(user=invitee).exists()


# --- Where open invitations show ---------------------------------------------------------------


def test_the_invitee_sees_a_members_only_community_and_its_invitation(
    client, invitation, invitee, forming_community, outsider
):
    client.force_login(outsider)
    hidden = client.get(forming_community.get_absolute_url())
    client.force_login(invitee)
    shown = client.get(forming_community.get_absolute_url())

    assert hidden.status_code == 404
    assert shown.status_code == 200
    assert shown.context["invitations"] == [invitation]
    assert url("invitation_accept", invitation, "nl") in shown.content.decode()


def test_a_declined_invitation_no_longer_opens_a_members_only_community(
    client, invitation, invitee, forming_community
):
    community_invitation_decline(invitation=invitation, by=invitee)
    client.force_login(invitee)

    assert client.get(forming_community.get_absolute_url()).status_code == 404


def test_my_overview_lists_open_invitations(client, invitation, invitee):
    client.force_login(invitee)

    response = client.get(reverse("portal:dashboard"))

    assert list(response.context["community_invitations"]) == [invitation]
    assert "Slimmer bakken" in response.content.decode()


def test_my_overview_shows_invitations_in_a_fixed_number_of_queries(
    client, invitee, hbo, django_assert_max_num_queries
):
    def invite(count):
        for _ in range(count):
            CommunityInvitation.objects.create(
                community=LearningCommunityFactory(),
                user=invitee,
                organisation=hbo,
                role=Role.LECTURER,
                invited_by=UserFactory(),
            )

    client.force_login(invitee)
    url = reverse("portal:dashboard")
    invite(2)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    invite(15)
    with django_assert_max_num_queries(30) as many:
        response = client.get(url)

    assert len(response.context["community_invitations"]) == 17
    assert len(many.captured_queries) == len(few.captured_queries)
