"""Asking to join a community, and the coordinators' decision."""

from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.communities.models import CommunityMembership, CommunityStatus, JoinRequest
from apps.communities.services import (
    join_request_approve,
    join_request_create,
    join_request_decline,
)
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.communities.factories import CommunityMembershipFactory, JoinRequestFactory
from tests.communities.helpers import english, english_page
from tests.mfa_helpers import sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def join_url(community):
    return reverse("communities:join", args=[community.slug])


def notices(kind, user=None):
    rows = Notification.objects.filter(kind=kind)
    return rows.filter(recipient=user) if user is not None else rows


@pytest.fixture
def lecturer():
    organisation = OrganisationFactory(name="Hogeschool Lekstroom", kind_slug="hbo")
    return MembershipFactory(organisation=organisation).user


def test_double_submit_makes_one_pending_request(client, lecturer, community):
    client.force_login(lecturer)
    data = {"role": "lecturer", "message": "Mijn studenten doen graag mee."}

    first = client.post(join_url(community), data)
    second = client.post(join_url(community), data, follow=True)

    assert first.status_code == 302
    assert JoinRequest.objects.filter(community=community, user=lecturer).count() == 1
    request = JoinRequest.objects.get(community=community, user=lecturer)
    assert request.state == JoinRequest.State.PENDING
    assert request.role == "lecturer"
    with_english = client.get(english_page(community))
    assert "Request pending" in with_english.text
    assert second.status_code == 200


def test_join_page_shows_the_pending_request_instead_of_the_form(client, lecturer, community):
    JoinRequestFactory(community=community, user=lecturer)
    client.force_login(lecturer)
    response = client.get(english("communities:join", community.slug))
    assert response.context["pending"] is not None
    assert "Request pending" in response.text
    assert 'name="role"' not in response.text


def test_coordinator_role_cannot_be_asked_for(client, lecturer, community):
    client.force_login(lecturer)
    response = client.post(join_url(community), {"role": "coordinator"})
    assert response.status_code == 200
    assert response.context["form"].has_error("role")
    assert not JoinRequest.objects.exists()


def test_message_is_limited_to_2000_characters(client, lecturer, community):
    client.force_login(lecturer)
    response = client.post(join_url(community), {"role": "student", "message": "x" * 2001})
    assert response.context["form"].has_error("message")
    assert not JoinRequest.objects.exists()


def test_request_notifies_the_community_coordinators_only(
    client, lecturer, community, coordinator, other_hub_coordinator, member
):
    lead = CommunityMembershipFactory(
        community=community, role=CommunityMembership.Role.COORDINATOR
    ).user
    client.force_login(lecturer)
    client.post(join_url(community), {"role": "lecturer"})

    recipients = set(
        notices(NotificationKind.COMMUNITY_JOIN_REQUEST).values_list("recipient", flat=True)
    )
    assert recipients == {lead.pk, coordinator.pk}
    notice = notices(NotificationKind.COMMUNITY_JOIN_REQUEST, coordinator).get()
    assert notice.url == reverse("communities:requests", args=[community.slug])
    assert lecturer.email not in notice.title + notice.body


def test_member_asking_again_is_sent_back(client, member, community):
    client.force_login(member)
    response = client.post(join_url(community), {"role": "student"})
    assert response.status_code == 302
    assert not JoinRequest.objects.exists()


def test_completed_community_takes_no_requests(client, lecturer, community):
    community.status = CommunityStatus.COMPLETED
    community.save()
    client.force_login(lecturer)
    assert client.get(join_url(community)).status_code == 403
    assert client.post(join_url(community), {"role": "student"}).status_code == 403
    with pytest.raises(ValidationError):
        join_request_create(community=community, user=lecturer, role="student")
    assert not JoinRequest.objects.exists()


def test_withdrawing_a_pending_request(client, lecturer, community):
    request = JoinRequestFactory(community=community, user=lecturer)
    client.force_login(lecturer)
    response = client.post(reverse("communities:withdraw", args=[community.slug]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == JoinRequest.State.WITHDRAWN
    # A new request is possible afterwards.
    client.post(join_url(community), {"role": "student"})
    assert JoinRequest.objects.filter(user=lecturer, state="pending").count() == 1


def test_approve_creates_membership_on_behalf_of_the_only_organisation(
    client, coordinator, lecturer, community
):
    request = JoinRequestFactory(community=community, user=lecturer, role="researcher")
    sign_in(client, coordinator)

    url = reverse("communities:approve", args=[community.slug, request.pk])
    response = client.post(url)
    client.post(url)  # a double click

    assert response.status_code == 302
    membership = CommunityMembership.objects.get(community=community, user=lecturer)
    assert membership.role == "researcher"
    assert membership.organisation == lecturer.memberships.get().organisation
    assert community.organisations.filter(pk=membership.organisation_id).exists()
    request.refresh_from_db()
    assert request.state == JoinRequest.State.APPROVED
    assert request.decided_by == coordinator
    decision = notices(NotificationKind.COMMUNITY_JOIN_DECISION, lecturer)
    assert decision.count() == 1
    assert decision.get().url == community.get_absolute_url()


def test_approve_without_a_single_organisation_leaves_it_empty(coordinator, community):
    person = UserFactory()
    MembershipFactory(user=person)
    MembershipFactory(user=person)
    request = JoinRequestFactory(community=community, user=person)

    membership = join_request_approve(join_request=request, by=coordinator)

    assert membership.organisation is None


def test_decline_notifies_and_makes_no_membership(client, coordinator, lecturer, community):
    request = JoinRequestFactory(community=community, user=lecturer)
    sign_in(client, coordinator)

    client.post(reverse("communities:decline", args=[community.slug, request.pk]))

    request.refresh_from_db()
    assert request.state == JoinRequest.State.DECLINED
    assert not CommunityMembership.objects.filter(user=lecturer).exists()
    assert notices(NotificationKind.COMMUNITY_JOIN_DECISION, lecturer).count() == 1
    # The requester sees the decision on the page.
    client.force_login(lecturer)
    assert "declined" in client.get(english_page(community)).text


def test_a_declined_request_cannot_be_approved_afterwards(coordinator, lecturer, community):
    request = JoinRequestFactory(community=community, user=lecturer)
    join_request_decline(join_request=request, by=coordinator)
    with pytest.raises(ValidationError):
        join_request_approve(join_request=request, by=coordinator)
    assert not CommunityMembership.objects.filter(user=lecturer).exists()


def test_a_stale_second_approval_does_not_bring_back_a_removed_member(
    coordinator, lecturer, community
):
    request = JoinRequestFactory(community=community, user=lecturer)
    join_request_approve(join_request=request, by=coordinator)
    CommunityMembership.objects.filter(community=community, user=lecturer).delete()

    with pytest.raises(ValidationError):
        join_request_approve(join_request=request, by=coordinator)
    assert not CommunityMembership.objects.filter(community=community, user=lecturer).exists()


def test_a_completed_community_approves_no_one(coordinator, lecturer, community):
    request = JoinRequestFactory(community=community, user=lecturer)
    community.status = CommunityStatus.COMPLETED
    community.save()
    with pytest.raises(ValidationError):
        join_request_approve(join_request=request, by=coordinator)
    assert not CommunityMembership.objects.filter(user=lecturer).exists()


def test_requests_page_lists_pending_requests_with_names_not_emails(client, coordinator, community):
    requests = JoinRequestFactory.create_batch(3, community=community)
    sign_in(client, coordinator)
    response = client.get(reverse("communities:requests", args=[community.slug]))
    for request in requests:
        # Escaped as the page shows it: Dutch names may hold an apostrophe ('s-Gravesande).
        assert escape(request.user.full_name) in response.text
        assert request.user.email not in response.text


def test_requests_page_query_count_does_not_grow(
    client, coordinator, community, django_assert_max_num_queries
):
    sign_in(client, coordinator)
    url = reverse("communities:requests", args=[community.slug])
    JoinRequestFactory.create_batch(3, community=community)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    JoinRequestFactory.create_batch(22, community=community)
    with django_assert_max_num_queries(12) as many:
        response = client.get(url)
    assert len(response.context["pending"]) == 25
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_join_form_proposes_the_role_of_the_persons_organisation(client, community):
    """Issue 12: a lecturer of a hogeschool is proposed as lecturer, an SME's owner as
    company participant; someone without an organisation chooses themselves."""
    sme_owner = MembershipFactory(organisation=OrganisationFactory(kind_slug="sme")).user
    hbo_lecturer = MembershipFactory(organisation=OrganisationFactory(kind_slug="hbo")).user
    for person, role in (
        (hbo_lecturer, "lecturer"),
        (sme_owner, "company-participant"),
        (UserFactory(), None),
    ):
        client.force_login(person)
        response = client.get(join_url(community))
        assert response.context["form"]["role"].value() == role
        if role:
            assert f'value="{role}"' in response.text
            checked = response.text.split(f'value="{role}"')[1].split(">")[0]
            assert "checked" in checked


def test_a_request_without_a_role_is_answered_with_a_clear_message(client, lecturer, community):
    client.force_login(lecturer)

    response = client.post(join_url(community), {"message": "Graag!"})

    assert response.status_code == 200
    assert not JoinRequest.objects.exists()
    assert response.context["form"].errors["role"] == ["Kies de rol waarin je meedoet."]
    assert "Kies de rol waarin je meedoet." in response.text
