import pytest
from django.urls import reverse

from apps.challenges.models import ChallengeStatus, Visibility
from apps.taxonomy.models import Format, Sector
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


LIST_URL = reverse("organisations:list")


def names_on(response):
    return [organisation.name for organisation in response.context["page_obj"].object_list]


def test_directory_lists_active_organisations_by_name(client):
    OrganisationFactory(name="Zeeuwse Mosselkwekerij", province_code="NL-ZE")
    OrganisationFactory(name="Avans Hogeschool", kind_slug="hbo", province_code="NL-NB")
    OrganisationFactory(name="Opgeheven BV", is_active=False)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert names_on(response) == ["Avans Hogeschool", "Zeeuwse Mosselkwekerij"]
    assert "<h1>" in response.text


def test_inactive_organisation_is_listed_for_its_own_members(client):
    inactive = OrganisationFactory(name="Slapende BV", is_active=False)
    member = MembershipFactory(organisation=inactive).user
    client.force_login(member)
    assert names_on(client.get(LIST_URL)) == ["Slapende BV"]


def test_filters_narrow_by_name_kind_province_topic_sector_and_hub(client):
    bakery = OrganisationFactory(
        name="Bakkerij Brood", kind_slug="sme", province_code="NL-ZH", topics=["time-series"]
    )
    bakery.sectors.add(Sector.objects.get(slug="agrifood"))
    OrganisationFactory(
        name="Hogeschool Rotterdam", kind_slug="hbo", province_code="NL-ZH", topics=["ml"]
    )
    OrganisationFactory(
        name="Fontys", kind_slug="hbo", province_code="NL-NB", topics=["visual-inspection"]
    )
    OrganisationFactory(name="Lab Groningen", kind_slug="innovation-lab", province_code="NL-GR")

    def names(**params):
        return sorted(names_on(client.get(LIST_URL, params)))

    assert names(q="brood") == ["Bakkerij Brood"]
    assert names(kind=["hbo", "innovation-lab"]) == [
        "Fontys",
        "Hogeschool Rotterdam",
        "Lab Groningen",
    ]
    assert names(province=["NL-NB", "NL-GR"]) == ["Fontys", "Lab Groningen"]
    assert names(topic="ml") == ["Bakkerij Brood", "Hogeschool Rotterdam"]  # group matches leaf
    assert names(topic="time-series") == ["Bakkerij Brood", "Hogeschool Rotterdam"]
    assert names(sector="agrifood") == ["Bakkerij Brood"]
    assert names(hub="brainport-brabant") == ["Fontys"]
    assert names(kind="hbo", province="NL-ZH") == ["Hogeschool Rotterdam"]


def test_list_pages_by_24_and_the_url_carries_the_filters(client):
    for index in range(25):
        OrganisationFactory(name=f"Hogeschool {index:02d}", kind_slug="hbo")

    response = client.get(LIST_URL, {"kind": "hbo"})

    assert len(names_on(response)) == 24
    assert "?kind=hbo&amp;page=2" in response.text
    assert names_on(client.get(LIST_URL, {"kind": "hbo", "page": 2})) == ["Hogeschool 24"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, member, signed_in
):
    if signed_in:
        client.force_login(member)

    def fetch():
        response = client.get(LIST_URL, {"kind": ["hbo", "sme"], "topic": "ml"})
        assert response.status_code == 200
        return response

    OrganisationFactory(kind_slug="hbo", topics=["ml"])
    with django_assert_max_num_queries(11):
        fetch()

    for _ in range(30):
        OrganisationFactory(kind_slug="hbo", topics=["ml", "time-series", "nlp"])
    with django_assert_max_num_queries(11):
        assert len(names_on(fetch())) == 24


def test_detail_shows_profile_and_family(client):
    university = OrganisationFactory(name="Hogeschool Leiden", kind_slug="hbo")
    lectorate = OrganisationFactory(
        name="Lectoraat Data Science",
        kind_slug="lectorate",
        parent=university,
        website="https://example.nl/lectoraat",
        capacity=3,
        topics=["predictive-analytics"],
    )
    lectorate.sectors.add(Sector.objects.get(slug="health"))
    lectorate.formats.add(Format.objects.get(slug="applied-research"))
    OrganisationFactory(name="Verborgen onderdeel", parent=lectorate, is_active=False)

    response = client.get(lectorate.get_absolute_url())

    assert response.status_code == 200
    text = response.text
    assert "<h1>Lectoraat Data Science</h1>" in text
    assert "Lectoraat" in text and "Zuid-Holland" in text
    assert "Hogeschool Leiden" in text  # its parent
    assert "https://example.nl/lectoraat" in text
    assert "Voorspellende analyse" in text
    assert "Zorg en welzijn" in text
    assert "Praktijkgericht onderzoek" in text
    assert "Verborgen onderdeel" not in text  # an inactive child stays hidden
    english = client.get("/en" + lectorate.get_absolute_url()).text
    assert "can take on 3 challenges at a time" in english

    assert "Lectoraat Data Science" in client.get(university.get_absolute_url()).text


def test_capacity_is_shown_only_for_suppliers(client, sme):
    response = client.get("/en" + sme.get_absolute_url())
    assert response.status_code == 200
    assert "Capacity" not in response.text


def test_detail_lists_the_open_challenges_the_user_may_see(client, sme, outsider):
    ChallengeFactory(organisation=sme, title="Openbaar")
    ChallengeFactory(organisation=sme, title="Alleen leden", visibility=Visibility.MEMBERS)
    ChallengeFactory(organisation=sme, title="Concept", status=ChallengeStatus.DRAFT)

    anonymous = client.get(sme.get_absolute_url()).text
    assert "Openbaar" in anonymous
    assert "Alleen leden" not in anonymous
    assert "Concept" not in anonymous

    client.force_login(outsider)
    signed_in = client.get(sme.get_absolute_url()).text
    assert "Alleen leden" in signed_in
    assert "Concept" not in signed_in


def test_inactive_organisation_is_404_for_the_public(client):
    inactive = OrganisationFactory(is_active=False)
    assert client.get(inactive.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("organisations:detail", kwargs={"slug": "bestaat-niet"})).status_code
        == 404
    )


def test_detail_query_count_is_fixed(client, django_assert_max_num_queries, sme):
    for _ in range(3):
        OrganisationFactory(parent=sme)
        ChallengeFactory(organisation=sme, topics=["ml", "nlp"])
    with django_assert_max_num_queries(7):
        assert client.get(sme.get_absolute_url()).status_code == 200


def test_a_website_that_is_not_a_web_address_is_not_linked(client):
    organisation = OrganisationFactory(website="javascript:alert(1)")
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    assert "javascript:" not in response.text
