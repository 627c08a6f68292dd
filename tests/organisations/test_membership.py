"""Asking to join an organisation, the administrators' decisions, roles and leaving."""

import pytest
from django.urls import reverse
from django.utils import translation

from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.mfa_helpers import sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs):
    """The Dutch (unprefixed) address, whatever language an earlier request activated."""
    with translation.override("nl"):
        return reverse(f"organisations:{name}", kwargs={"slug": organisation.slug, **kwargs})


@pytest.fixture
def requester(sme):
    """Someone whose request to join `sme` waits for a decision."""
    return MembershipFactory(organisation=sme, state=Membership.State.REQUESTED).user


def pending(organisation, person):
    return Membership.objects.get(organisation=organisation, user=person)


def notices(person, kind):
    return list(Notification.objects.filter(recipient=person, kind=kind))


# --- Asking to join ---------------------------------------------------------------------------


def test_anonymous_asking_to_join_is_sent_to_login(client, sme):
    response = client.post(url("join", sme))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Membership.objects.filter(state=Membership.State.REQUESTED).exists()


def test_asking_to_join_creates_a_request_and_notifies_the_administrators(client, sme, sme_admin):
    other_admin = MembershipFactory(organisation=sme, role=Membership.Role.ADMIN).user
    person = UserFactory(full_name="Anne de Vries")
    client.force_login(person)

    response = client.post(url("join", sme))

    assert response.status_code == 302
    membership = pending(sme, person)
    assert (membership.state, membership.role) == (
        Membership.State.REQUESTED,
        Membership.Role.MEMBER,
    )
    for admin in (sme_admin, other_admin):
        [notice] = notices(admin, NotificationKind.ORGANISATION_JOIN_REQUEST)
        assert "Anne de Vries" in notice.title
        assert notice.url == url("members", sme)


def test_a_double_submit_makes_one_request_and_one_notice(client, sme, sme_admin):
    person = UserFactory()
    client.force_login(person)

    client.post(url("join", sme))
    client.post(url("join", sme))

    assert Membership.objects.filter(user=person, organisation=sme).count() == 1
    assert len(notices(sme_admin, NotificationKind.ORGANISATION_JOIN_REQUEST)) == 1


def test_without_administrators_the_region_coordinators_are_notified(
    client, sme, coordinator, other_hub_coordinator
):
    client.force_login(UserFactory())

    client.post(url("join", sme))

    assert len(notices(coordinator, NotificationKind.ORGANISATION_JOIN_REQUEST)) == 1
    assert notices(other_hub_coordinator, NotificationKind.ORGANISATION_JOIN_REQUEST) == []


def test_a_member_asking_again_stays_a_member(client, sme, member):
    client.force_login(member)
    client.post(url("join", sme))
    assert pending(sme, member).state == Membership.State.ACTIVE


@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator"])
def test_people_of_other_organisations_and_regions_may_ask_to_join(client, sme, persona, request):
    person = request.getfixturevalue(persona)
    client.force_login(person)
    client.post(url("join", sme))
    assert pending(sme, person).state == Membership.State.REQUESTED


@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator"])
def test_an_inactive_organisation_takes_no_requests(client, persona, request):
    hidden = OrganisationFactory(is_active=False)
    sign_in(client, request.getfixturevalue(persona))
    assert client.post(url("join", hidden)).status_code == 404
    assert not Membership.objects.filter(organisation=hidden).exists()


def test_join_goes_back_to_a_local_next_but_not_elsewhere(client, sme):
    client.force_login(UserFactory())
    back = reverse("portal:get_started") + "?q=bakkerij"
    assert client.post(url("join", sme), {"next": back}).url == back
    other = UserFactory()
    client.force_login(other)
    response = client.post(url("join", sme), {"next": "https://evil.example/"})
    assert response.url == sme.get_absolute_url()


def test_join_by_get_only_shows_the_organisation(client, sme):
    person = UserFactory()
    client.force_login(person)
    response = client.get(url("join", sme))
    assert response.status_code == 302
    assert not Membership.objects.filter(user=person).exists()


# --- The organisation page shows the viewer's state --------------------------------------------


def test_page_offers_to_join_pending_or_member(client, sme, member, requester, sme_admin):
    join_action = url("join", sme) + '"'  # also inside the /en/ address
    page_url = "/en" + sme.get_absolute_url()

    client.force_login(UserFactory())
    assert join_action in client.get(page_url).text

    client.force_login(requester)
    page = client.get(page_url).text
    assert "Request pending" in page
    assert join_action not in page

    client.force_login(member)
    page = client.get(page_url).text
    assert "You are a member" in page
    assert url("edit", sme) not in page
    assert url("members", sme) not in page

    client.force_login(sme_admin)
    page = client.get(page_url).text
    assert url("edit", sme) in page
    assert url("members", sme) in page


def test_page_asks_visitors_to_log_in_to_join(client, sme):
    page = client.get(sme.get_absolute_url()).text
    assert reverse("account_login") in page
    assert f'action="{url("join", sme)}"' not in page


# --- Members page -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_for_the_members_page(client, sme):
    response = client.get(url("members", sme))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_others_get_403_on_the_members_page(client, sme, persona, request):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(url("members", sme)).status_code == 403


@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator"])
def test_members_page_of_a_hidden_organisation_is_404(client, persona, request):
    hidden = OrganisationFactory(is_active=False, province_code="NL-ZH")
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(url("members", hidden)).status_code == 404


@pytest.mark.parametrize("persona", ["sme_admin", "coordinator"])
def test_administrators_and_region_coordinators_see_requests_and_members(
    client, sme, member, requester, persona, request
):
    sign_in(client, request.getfixturevalue(persona))
    response = client.get(url("members", sme))
    assert response.status_code == 200
    assert [m.user for m in response.context["requests"]] == [requester]
    assert member in [m.user for m in response.context["members"]]
    assert member.email not in response.text  # email visibility defaults to "only me"


def test_members_page_query_count_does_not_grow(
    client, sme, sme_admin, django_assert_max_num_queries
):
    client.force_login(sme_admin)
    for _index in range(3):
        MembershipFactory(organisation=sme)
        MembershipFactory(organisation=sme, state=Membership.State.REQUESTED)
    with django_assert_max_num_queries(12) as few:
        client.get(url("members", sme))
    for _index in range(20):
        MembershipFactory(organisation=sme)
        MembershipFactory(organisation=sme, state=Membership.State.REQUESTED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("members", sme))


# --- Decisions --------------------------------------------------------------------------------


def decide(client, organisation, membership, decision):
    return client.post(
        url("membership_decide", organisation, membership_id=membership.pk),
        {"decision": decision},
    )


def test_approving_activates_the_membership_and_notifies_the_requester(
    client, sme, sme_admin, requester
):
    membership = pending(sme, requester)
    client.force_login(sme_admin)

    response = decide(client, sme, membership, "approve")

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE
    [notice] = notices(requester, NotificationKind.ORGANISATION_JOIN_DECISION)
    assert sme.name in notice.title


def test_declining_deletes_the_request_and_notifies_the_requester(
    client, sme, sme_admin, requester
):
    membership = pending(sme, requester)
    client.force_login(sme_admin)

    decide(client, sme, membership, "decline")

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert len(notices(requester, NotificationKind.ORGANISATION_JOIN_DECISION)) == 1


def test_a_double_decision_notifies_once(client, sme, sme_admin, requester):
    membership = pending(sme, requester)
    client.force_login(sme_admin)
    decide(client, sme, membership, "approve")
    decide(client, sme, membership, "decline")  # a second tab, say
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE
    assert len(notices(requester, NotificationKind.ORGANISATION_JOIN_DECISION)) == 1


def test_a_region_coordinator_may_decide(client, sme, coordinator, requester):
    sign_in(client, coordinator)
    decide(client, sme, pending(sme, requester), "approve")
    assert pending(sme, requester).state == Membership.State.ACTIVE


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_others_cannot_decide(client, sme, requester, persona, request):
    sign_in(client, request.getfixturevalue(persona))
    assert decide(client, sme, pending(sme, requester), "approve").status_code == 403
    assert pending(sme, requester).state == Membership.State.REQUESTED


def test_anonymous_cannot_decide(client, sme, requester):
    response = decide(client, sme, pending(sme, requester), "approve")
    assert response.status_code == 302
    assert pending(sme, requester).state == Membership.State.REQUESTED


def test_a_request_of_another_organisation_cannot_be_decided_here(client, sme, sme_admin):
    elsewhere = MembershipFactory(state=Membership.State.REQUESTED)
    client.force_login(sme_admin)
    decide(client, sme, elsewhere, "approve")
    elsewhere.refresh_from_db()
    assert elsewhere.state == Membership.State.REQUESTED


def test_an_unknown_decision_is_a_bad_request(client, sme, sme_admin, requester):
    client.force_login(sme_admin)
    assert decide(client, sme, pending(sme, requester), "maybe").status_code == 400


# --- Roles, removing and leaving ---------------------------------------------------------------


def test_an_administrator_makes_a_member_administrator(client, sme, sme_admin, member):
    client.force_login(sme_admin)
    client.post(
        url("membership_role", sme, membership_id=pending(sme, member).pk), {"role": "admin"}
    )
    assert pending(sme, member).role == Membership.Role.ADMIN


def test_the_last_administrator_cannot_step_down(client, sme, sme_admin):
    client.force_login(sme_admin)
    response = client.post(
        "/en" + url("membership_role", sme, membership_id=pending(sme, sme_admin).pk),
        {"role": "member"},
        follow=True,
    )
    assert pending(sme, sme_admin).role == Membership.Role.ADMIN
    assert "at least one administrator" in response.text


def test_an_administrator_removes_a_member(client, sme, sme_admin, member):
    client.force_login(sme_admin)
    client.post(url("membership_remove", sme, membership_id=pending(sme, member).pk))
    assert not Membership.objects.filter(user=member, organisation=sme).exists()


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_others_cannot_change_roles_or_remove(client, sme, sme_admin, persona, request):
    sign_in(client, request.getfixturevalue(persona))
    target = pending(sme, sme_admin).pk
    assert (
        client.post(
            url("membership_role", sme, membership_id=target), {"role": "member"}
        ).status_code
        == 403
    )
    assert client.post(url("membership_remove", sme, membership_id=target)).status_code == 403
    assert pending(sme, sme_admin).role == Membership.Role.ADMIN


def test_anonymous_cannot_change_roles_or_remove(client, sme, sme_admin):
    target = pending(sme, sme_admin).pk
    for name in ("membership_role", "membership_remove"):
        response = client.post(url(name, sme, membership_id=target), {"role": "member"})
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert pending(sme, sme_admin).role == Membership.Role.ADMIN


def test_anonymous_is_sent_to_login_for_leave(client, sme):
    response = client.get(url("leave", sme))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_member_leaves_after_confirming(client, sme, member):
    client.force_login(member)
    assert client.get(url("leave", sme)).status_code == 200
    assert Membership.objects.filter(user=member, organisation=sme).exists()
    response = client.post(url("leave", sme))
    assert response.url == reverse("portal:dashboard")
    assert not Membership.objects.filter(user=member, organisation=sme).exists()


def test_a_requester_withdraws(client, sme, requester):
    client.force_login(requester)
    client.post(url("leave", sme))
    assert not Membership.objects.filter(user=requester, organisation=sme).exists()


def test_the_last_administrator_cannot_leave(client, sme, sme_admin, member):
    client.force_login(sme_admin)
    response = client.post("/en" + url("leave", sme), follow=True)
    assert pending(sme, sme_admin).role == Membership.Role.ADMIN
    assert "at least one administrator" in response.text


def test_an_administrator_may_leave_when_another_remains(client, sme, sme_admin):
    MembershipFactory(organisation=sme, role=Membership.Role.ADMIN)
    client.force_login(sme_admin)
    client.post(url("leave", sme))
    assert not Membership.objects.filter(user=sme_admin, organisation=sme).exists()


@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator"])
def test_leaving_an_organisation_one_is_not_in_is_404(client, sme, persona, request):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(url("leave", sme)).status_code == 404
    assert client.post(url("leave", sme)).status_code == 404
