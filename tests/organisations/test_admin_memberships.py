"""Memberships edited in the admin go through the services: approving a request tells the
requester, the last administrator stays one, and an active membership is no request again."""

import pytest
from django.urls import reverse

from apps.hubs.services import coordinator_group_ensure
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.organisations.models import Membership
from tests.mfa_helpers import login_with_second_factor
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub_coordinator(coordinator):
    coordinator.groups.add(coordinator_group_ensure())
    return coordinator


def post_membership(client, membership, **changes):
    return client.post(
        reverse("admin:organisations_membership_change", args=[membership.pk]),
        {
            "role": membership.role,
            "state": membership.state,
            "job_title": membership.job_title,
            **changes,
        },
    )


def test_approving_a_request_in_the_admin_tells_the_requester(client, hub_coordinator, sme):
    request = MembershipFactory(organisation=sme, state=Membership.State.REQUESTED)
    login_with_second_factor(client, hub_coordinator)

    response = post_membership(client, request, state=Membership.State.ACTIVE)

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == Membership.State.ACTIVE
    assert Notification.objects.filter(
        recipient=request.user, kind=NotificationKind.ORGANISATION_JOIN_DECISION
    ).exists()


def test_the_last_administrator_cannot_be_made_a_member_in_the_admin(client, hub_coordinator, sme):
    admin = MembershipFactory(organisation=sme, role=Membership.Role.ADMIN)
    login_with_second_factor(client, hub_coordinator)

    response = post_membership(client, admin, role=Membership.Role.MEMBER)

    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    admin.refresh_from_db()
    assert admin.role == Membership.Role.ADMIN

    # With a second administrator the first may step down.
    MembershipFactory(organisation=sme, role=Membership.Role.ADMIN)
    assert post_membership(client, admin, role=Membership.Role.MEMBER).status_code == 302
    admin.refresh_from_db()
    assert admin.role == Membership.Role.MEMBER


def test_an_active_membership_does_not_become_a_request_again(client, hub_coordinator, sme):
    member = MembershipFactory(organisation=sme)
    login_with_second_factor(client, hub_coordinator)

    response = post_membership(client, member, state=Membership.State.REQUESTED)

    assert response.status_code == 200
    assert "state" in response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.state == Membership.State.ACTIVE
