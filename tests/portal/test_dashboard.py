""" "My overview" and the "get started" page a new person lands on."""

import re

import pytest
from django.urls import reverse

from apps.challenges.models import ChallengeStatus
from apps.communities.models import JoinRequest
from apps.organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory, ChallengeInterestFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.matching.factories import IntroductionRequestFactory, MatchFactory
from tests.mfa_helpers import sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DASHBOARD_URL = reverse("portal:dashboard")
GET_STARTED_URL = reverse("portal:get_started")


def fill_overview(person, *, rows: int):
    """`rows` of each kind of thing the overview lists, all of them `person`'s."""
    for _index in range(rows):
        organisation = OrganisationFactory()
        MembershipFactory(user=person, organisation=organisation, role=Membership.Role.ADMIN)
        MembershipFactory(organisation=organisation, state=Membership.State.REQUESTED)
        ChallengeFactory(organisation=organisation, status=ChallengeStatus.DRAFT)
        MembershipFactory(user=person, state=Membership.State.REQUESTED)
        CommunityMembershipFactory(user=person)
        JoinRequest.objects.create(
            community=LearningCommunityFactory(), user=person, role="lecturer"
        )
        ChallengeInterestFactory(user=person, challenge=ChallengeFactory())
        IntroductionRequestFactory(
            match=MatchFactory(challenge=ChallengeFactory(organisation=organisation))
        )


# --- My overview ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_for_the_overview(client):
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_the_overview_shows_only_ones_own_things(client, sme, persona, request):
    person = request.getfixturevalue(persona)
    ChallengeFactory(organisation=sme, title="Voorspel de broodvraag")
    sign_in(client, person)

    response = client.get(DASHBOARD_URL)

    assert response.status_code == 200
    assert {m.user_id for m in response.context["memberships"]} <= {person.pk}
    titles = [challenge.title for challenge in response.context["challenges"]]
    assert titles == (["Voorspel de broodvraag"] if persona == "member" else [])


def test_the_overview_lists_organisations_requests_challenges_and_communities(client, sme):
    person = UserFactory()
    MembershipFactory(user=person, organisation=sme, role=Membership.Role.ADMIN)
    pending_elsewhere = OrganisationFactory(name="Zuivel Noord", province_code="NL-GR")
    MembershipFactory(user=person, organisation=pending_elsewhere, state=Membership.State.REQUESTED)
    asking = MembershipFactory(
        organisation=sme, state=Membership.State.REQUESTED, user__full_name="Piet Bakker"
    )
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT, title="Conceptje")
    community = CommunityMembershipFactory(user=person).community
    asked = LearningCommunityFactory(name="Slimme Logistiek")
    JoinRequest.objects.create(community=asked, user=person, role="lecturer")
    client.force_login(person)

    response = client.get("/en" + DASHBOARD_URL)

    page = response.text
    assert [m.organisation.name for m in response.context["memberships"]] == [
        "Bakkerij De Korenbloem",
        "Zuivel Noord",
    ]
    assert "Request pending" in page
    assert [m.pk for m in response.context["requests_to_decide"]] == [asking.pk]
    assert "Piet Bakker asks to join Bakkerij De Korenbloem" in page
    assert draft.get_absolute_url().removeprefix("/") in page
    assert 'class="badge status-draft"' in page
    assert community.name in page
    assert "Slimme Logistiek" in page
    assert re.search(r'<h2 id="dashboard-\w+">', page)


def test_the_overview_has_one_query_per_section(client, django_assert_max_num_queries):
    person = UserFactory()
    fill_overview(person, rows=2)
    client.force_login(person)
    with django_assert_max_num_queries(15) as baseline:
        client.get(DASHBOARD_URL)

    fill_overview(person, rows=10)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(DASHBOARD_URL)
    assert len(response.context["memberships"]) == 24  # 12 as administrator, 12 pending
    assert len(response.context["challenge_interests"]) == 12
    assert len(response.context["introductions"]) == 12


# --- Get started ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_for_get_started(client):
    response = client.get(GET_STARTED_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_get_started_offers_search_and_create(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(GET_STARTED_URL)
    assert response.status_code == 200
    assert reverse("organisations:create") in response.text
    assert 'name="q"' in response.text
    assert response.context["results"] is None


def test_search_finds_organisations_by_name_with_a_join_button_or_state(client, sme, member):
    OrganisationFactory(name="Bakkerij Noord", province_code="NL-GR")
    OrganisationFactory(name="Slapende Bakkerij", is_active=False)
    OrganisationFactory(name="Zuivel Zuid")
    client.force_login(member)

    response = client.get("/en" + GET_STARTED_URL, {"q": "bakkerij"})

    results = response.context["results"]
    assert [organisation.name for organisation in results] == [
        "Bakkerij De Korenbloem",
        "Bakkerij Noord",
    ]
    assert [organisation.viewer_state for organisation in results] == ["active", None]
    assert "You are a member" in response.text
    noord = results[1]
    assert reverse("organisations:join", kwargs={"slug": noord.slug}) in response.text


def test_search_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    person = UserFactory()
    client.force_login(person)
    for index in range(3):
        MembershipFactory(user=person, organisation=OrganisationFactory(name=f"Bakkerij {index}"))
    with django_assert_max_num_queries(10) as baseline:
        client.get(GET_STARTED_URL, {"q": "bakkerij"})
    for index in range(15):
        OrganisationFactory(name=f"Bakkerij extra {index}")
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(GET_STARTED_URL, {"q": "bakkerij"})
    assert len(response.context["results"]) == 18
