import pytest
from django.urls import reverse

from apps.challenges.models import ChallengeStatus, Visibility
from apps.taxonomy.models import Format, Sector
from tests.challenges.factories import ChallengeFactory
from tests.mfa_helpers import login_with_second_factor
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


def test_facets_take_several_values_and_nationwide_and_formats(client):
    lab = OrganisationFactory(name="Lab", kind_slug="innovation-lab", serves_nationally=True)
    lab.formats.add(Format.objects.get(slug="hackathon"))
    school = OrganisationFactory(name="School", kind_slug="mbo", province_code="NL-UT")
    school.formats.add(Format.objects.get(slug="internship"))
    school.sectors.add(Sector.objects.get(slug="health"))
    OrganisationFactory(name="Bedrijf", kind_slug="sme", topics=["nlp"])

    def names(**params):
        return sorted(names_on(client.get(LIST_URL, params)))

    assert names(national="1") == ["Lab"]
    assert names(format=["hackathon", "internship"]) == ["Lab", "School"]
    assert names(format="internship") == ["School"]
    assert names(sector=["health", "energy"]) == ["School"]
    assert names(topic=["language", "vision"]) == ["Bedrijf"]
    assert names(hub=["midden-nederland", "zuid-holland"]) == ["Bedrijf", "Lab", "School"]
    assert names(hub="midden-nederland", kind=["mbo", "sme"]) == ["School"]


def test_search_finds_organisations_by_name_and_description_in_dutch_and_english(client):
    OrganisationFactory(name="Korenbloem", description="Wij bakken brood voor bakkerijen.")
    OrganisationFactory(name="Delft Robotics Lab", description="We build warehouse robots.")
    OrganisationFactory(name="Zuivel", description="Melk en kaas.")

    def names(text):
        return names_on(client.get(LIST_URL, {"q": text}))

    assert names("bakkerij") == ["Korenbloem"]
    assert names("korenbl") == ["Korenbloem"]  # a prefix while typing
    assert names("robot") == ["Delft Robotics Lab"]
    assert names("building robots") == ["Delft Robotics Lab"]
    assert len(names("de")) == 3  # a stop word alone filters nothing


def test_sort_by_name_or_newest(client):
    OrganisationFactory(name="B")
    OrganisationFactory(name="C")
    OrganisationFactory(name="A")
    assert names_on(client.get(LIST_URL)) == ["A", "B", "C"]
    assert names_on(client.get(LIST_URL, {"sort": "newest"})) == ["A", "C", "B"]


def test_inactive_organisations_stay_out_of_results_and_counts_for_outsiders(
    client, outsider, other_hub_coordinator, coordinator
):
    OrganisationFactory(name="Actief", province_code="NL-ZH")
    OrganisationFactory(name="Slapend", province_code="NL-ZH", is_active=False)

    for person in (None, outsider, other_hub_coordinator, coordinator):
        if person == other_hub_coordinator:
            login_with_second_factor(client, person)
        elif person:
            client.force_login(person)  # the coordinator: before the second factor
        response = client.get(LIST_URL, {"province": "NL-ZH"})
        assert "Slapend" not in names_on(response), person
        assert response.context["page_obj"].paginator.count == len(names_on(response))
    login_with_second_factor(client, coordinator)  # the region's coordinator sees them
    assert "Slapend" in names_on(client.get(LIST_URL, {"province": "NL-ZH"}))


def test_htmx_request_gets_the_results_partial_and_a_full_request_the_page(client):
    OrganisationFactory(name="Hogeschool Leiden", kind_slug="hbo")

    partial = client.get(
        LIST_URL, {"kind": "hbo"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="result-list"
    )
    full = client.get(LIST_URL, {"kind": "hbo"})

    assert "<html" not in partial.text and "Hogeschool Leiden" in partial.text
    assert "<html" in full.text and "Hogeschool Leiden" in full.text
    assert 'name="kind" value="hbo" id="id_kind_' in full.text


def test_invalid_parameters_do_not_fail(client):
    OrganisationFactory(name="Blijft")
    for params in (
        {"kind": "nope"},
        {"national": "yes"},
        {"format": ["x", "y"]},
        {"sort": "-name"},
        {"page": "-1"},
        {"q": "\x00"},
    ):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200, params
        assert names_on(response) == ["Blijft"], params


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, member, signed_in
):
    if signed_in:
        client.force_login(member)
    params = {
        "kind": ["hbo", "sme"],
        "topic": "ml",
        "province": "NL-ZH",
        "hub": "zuid-holland",
        "sector": "health",
        "format": "internship",
        "national": "1",
        "q": "hogeschool",
    }

    def add(count):
        for _ in range(count):
            organisation = OrganisationFactory(
                name="Hogeschool", kind_slug="hbo", topics=["ml", "time-series", "nlp"]
            )
            organisation.sectors.add(Sector.objects.get(slug="health"))
            organisation.formats.add(Format.objects.get(slug="internship"))
            organisation.serves_nationally = True
            organisation.save()

    def fetch(expected_rows):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200
        assert len(names_on(response)) == expected_rows

    add(3)
    # Two more than before search by meaning: its check for vectors stored since the last,
    # and the one query that finds every row the words and labels match. The first page
    # after a change of data also builds the facet pairs (one query per count part, 8), and
    # the counts read the visible rows and the facet conditions (2) and the data version
    # (3 times).
    with django_assert_max_num_queries(29):
        fetch(3)
    add(30)
    with django_assert_max_num_queries(29):
        fetch(24)
    with django_assert_max_num_queries(19):
        fetch(24)


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
