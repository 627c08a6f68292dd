import pytest
from django.urls import reverse

from apps.accounts.models import Audience
from apps.challenges.models import ChallengeStatus, Visibility
from apps.hubs.models import Hub
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import LearningCommunityFactory
from tests.hubs.factories import make_coordinator
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("hubs:list")


def detail_url(slug):
    return reverse("hubs:detail", kwargs={"slug": slug})


def hubs_on(response):
    return list(response.context["page_obj"].object_list)


def test_list_shows_all_seven_hubs_with_their_provinces(client):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    hubs = hubs_on(response)
    assert len(hubs) == 7
    noord = next(hub for hub in hubs if hub.slug == "noord-nederland")
    assert {province.code for province in noord.provinces.all()} == {"NL-GR", "NL-FR", "NL-DR"}
    assert "Fryslân" in response.text
    assert "<h1>" in response.text


def test_list_counts_open_challenges_and_organisations_per_hub(client, sme):
    ChallengeFactory(organisation=sme)
    ChallengeFactory(organisation=sme, status=ChallengeStatus.IN_COMMUNITY)
    ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    ChallengeFactory(organisation=sme, status=ChallengeStatus.CLOSED)
    ChallengeFactory(organisation=sme, visibility=Visibility.HUB)  # not for anonymous eyes
    OrganisationFactory(kind_slug="hbo", province_code="NL-ZH")
    OrganisationFactory(province_code="NL-FR")
    OrganisationFactory(province_code="NL-GR", is_active=False)

    hubs = {hub.slug: hub for hub in hubs_on(client.get(LIST_URL))}

    assert hubs["zuid-holland"].open_challenge_count == 2
    assert hubs["zuid-holland"].organisation_count == 2  # sme and the hogeschool
    assert hubs["noord-nederland"].organisation_count == 1
    assert hubs["noord-nederland"].open_challenge_count == 0


def test_list_filters_by_province_and_searches_names_and_descriptions(client):
    def slugs(**params):
        return sorted(hub.slug for hub in hubs_on(client.get(LIST_URL, params)))

    assert slugs(province="NL-GR") == ["noord-nederland"]
    assert slugs(province=["NL-GR", "NL-LI"]) == ["brightlands-limburg", "noord-nederland"]
    assert slugs(q="Limburg") == ["brightlands-limburg"]
    assert slugs(q="Rotterdam") == ["zuid-holland"]  # in the description
    assert slugs(q="Limburg", province="NL-GR") == []
    assert len(slugs(q="de")) == 7  # a stop word alone filters nothing


def test_list_answers_htmx_with_the_results_only(client):
    partial = client.get(
        LIST_URL, {"province": "NL-GR"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="result-list"
    )
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert "AI Hub Noord-Nederland" in partial.text
    assert "AI Hub Zuid-Holland" not in partial.text


def test_list_ignores_invalid_parameters(client):
    for params in ({"province": "NL-XX"}, {"page": "x"}, {"sort": "nope"}, {"q": "x" * 500}):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200, params
        assert len(hubs_on(response)) == 7, params


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, member, signed_in
):
    if signed_in:
        client.force_login(member)
    params = {"province": ["NL-ZH", "NL-GR", "NL-LI"], "q": "hub"}
    # One more than before search by meaning: its check for vectors stored since the last.
    # One more for a ranked page: its ids in rank order, then its rows.
    with django_assert_max_num_queries(14):
        assert client.get(LIST_URL, params).status_code == 200

    for code in ("NL-ZH", "NL-GR", "NL-LI", "NL-UT", "NL-NB"):
        for _ in range(4):
            ChallengeFactory(
                organisation=OrganisationFactory(province_code=code), province_code=code
            )
    with django_assert_max_num_queries(14):
        assert client.get(LIST_URL, params).status_code == 200


def test_detail_shows_provinces_coordinator_names_but_never_their_email(client):
    make_coordinator(
        UserFactory(
            full_name="Sanne Bakker",
            email="sanne@hub.nl",
            profile_visibility=Audience.EVERYONE,
            email_visibility=Audience.EVERYONE,
        ),
        "zuid-holland",
    )
    make_coordinator(UserFactory(full_name="", email="naamloos@hub.nl"), "zuid-holland")

    response = client.get(detail_url("zuid-holland"))

    assert response.status_code == 200
    assert "<h1>AI Hub Zuid-Holland</h1>" in response.text
    assert "Sanne Bakker" in response.text
    assert "sanne@hub.nl" not in response.text
    assert "naamloos@hub.nl" not in response.text
    assert "Zuid-Holland, van Leiden tot Rotterdam" in response.text  # the description


def test_detail_names_members_only_coordinators_to_members_but_not_to_visitors(client, member):
    make_coordinator(UserFactory(full_name="Ruud Verborgen"), "zuid-holland")  # members only

    anonymous = client.get(detail_url("zuid-holland")).text
    client.force_login(member)
    signed_in = client.get(detail_url("zuid-holland")).text

    assert "Ruud Verborgen" not in anonymous
    assert "Alleen ingelogde leden zien hun namen." in anonymous
    assert "Ruud Verborgen" in signed_in


def test_detail_says_coordinators_are_to_be_announced_when_there_are_none(client):
    assert "volgt nog" in client.get(detail_url("zuid-holland")).text


def test_detail_lists_region_organisations_challenges_and_communities_the_user_may_see(
    client, sme, member
):
    ChallengeFactory(organisation=sme, title="Openbaar in de regio")
    ChallengeFactory(organisation=sme, title="Regio-intern", visibility=Visibility.HUB)
    ChallengeFactory(title="Elders", province_code="NL-LI")
    LearningCommunityFactory(name="Publieke gemeenschap")
    LearningCommunityFactory(name="Besloten gemeenschap", is_public=False)
    LearningCommunityFactory(name="Andere hub", hub=Hub.objects.get(slug="brightlands-limburg"))

    anonymous = client.get(detail_url("zuid-holland")).text
    assert "Openbaar in de regio" in anonymous
    assert "Regio-intern" not in anonymous
    assert "Elders" not in anonymous
    assert sme.name in anonymous
    assert "Publieke gemeenschap" in anonymous
    assert "Besloten gemeenschap" not in anonymous
    assert "Andere hub" not in anonymous
    assert "?hub=zuid-holland" in anonymous  # links to the filtered directories
    assert 'href="/communities/?hub=zuid-holland"' in anonymous
    assert 'href="/knowledge/?hub=zuid-holland"' in anonymous

    client.force_login(member)
    assert "Regio-intern" in client.get(detail_url("zuid-holland")).text


def test_unknown_hub_is_404(client):
    assert client.get(detail_url("atlantis")).status_code == 404


def test_detail_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, sme):
    def fetch():
        assert client.get(detail_url("zuid-holland")).status_code == 200

    # 11: the communities are counted for the link to all of them.
    with django_assert_max_num_queries(11):
        fetch()
    for _ in range(15):
        organisation = OrganisationFactory(topics=["ml", "nlp"])
        ChallengeFactory(organisation=organisation, topics=["ml", "nlp"])
        LearningCommunityFactory()
        make_coordinator(UserFactory(), "zuid-holland")
    with django_assert_max_num_queries(11):
        fetch()


def test_detail_shows_the_newest_communities_and_links_to_all_of_them(client):
    from apps.portal.selectors import COMMUNITIES_ON_HUB_PAGE as COMMUNITIES_ON_DETAIL

    for n in range(COMMUNITIES_ON_DETAIL + 3):
        LearningCommunityFactory(name=f"Gemeenschap nummer {n:02d}")

    text = client.get(detail_url("zuid-holland")).text

    shown = [n for n in range(COMMUNITIES_ON_DETAIL + 3) if f"Gemeenschap nummer {n:02d}" in text]
    assert len(shown) == COMMUNITIES_ON_DETAIL  # the page does not grow with the hub
    assert shown == list(range(3, COMMUNITIES_ON_DETAIL + 3))  # the newest
    assert f"alle {COMMUNITIES_ON_DETAIL + 3} leergemeenschappen" in text
    assert 'href="/communities/?hub=zuid-holland"' in text
