import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.challenges.models import ChallengeStatus, Visibility
from apps.taxonomy.models import Format, Sector
from tests.challenges.factories import ChallengeFactory
from tests.mfa_helpers import give_totp, login_with_second_factor, sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


LIST_URL = reverse("challenges:list")


def detail_url(challenge):
    return reverse("challenges:detail", kwargs={"pk": challenge.pk})


def titles_on(response):
    return [challenge.title for challenge in response.context["page_obj"].object_list]


# --- The list ---------------------------------------------------------------------------------


def test_anonymous_visitor_sees_public_open_challenges_only(client, sme):
    public = ChallengeFactory(organisation=sme, title="Openbare uitdaging")
    ChallengeFactory(organisation=sme, title="Voor leden", visibility=Visibility.MEMBERS)
    ChallengeFactory(organisation=sme, title="Voor de regio", visibility=Visibility.HUB)
    ChallengeFactory(organisation=sme, title="Concept", status=ChallengeStatus.DRAFT)
    ChallengeFactory(organisation=sme, title="Ter beoordeling", status=ChallengeStatus.SUBMITTED)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert titles_on(response) == [public.title]
    assert "Voor leden" not in response.text
    assert "Concept" not in response.text


def test_list_leaves_out_closed_challenges_unless_asked(client, sme):
    ChallengeFactory(organisation=sme, title="Loopt nog")
    ChallengeFactory(organisation=sme, title="Afgerond", status=ChallengeStatus.CLOSED)
    ChallengeFactory(organisation=sme, title="In gemeenschap", status=ChallengeStatus.IN_COMMUNITY)

    assert sorted(titles_on(client.get(LIST_URL))) == ["In gemeenschap", "Loopt nog"]
    assert titles_on(client.get(LIST_URL, {"status": "closed"})) == ["Afgerond"]
    assert sorted(titles_on(client.get(LIST_URL, {"status": ["closed", "published"]}))) == [
        "Afgerond",
        "Loopt nog",
    ]
    assert len(titles_on(client.get(LIST_URL, {"status": "all"}))) == 3  # older links


def test_owner_does_not_find_own_draft_in_the_public_list(client, member, sme):
    ChallengeFactory(organisation=sme, title="Ons concept", status=ChallengeStatus.DRAFT)
    client.force_login(member)
    assert titles_on(client.get(LIST_URL)) == []


def test_signed_in_member_of_any_organisation_sees_members_only_challenges(client, outsider, sme):
    ChallengeFactory(organisation=sme, title="Voor leden", visibility=Visibility.MEMBERS)
    client.force_login(outsider)
    assert titles_on(client.get(LIST_URL)) == ["Voor leden"]


def test_hub_only_challenge_is_listed_for_the_region_and_its_coordinator_only(
    client, sme, member, coordinator, outsider, other_hub_coordinator
):
    ChallengeFactory(organisation=sme, title="Alleen de regio", visibility=Visibility.HUB)
    neighbour = MembershipFactory(
        organisation=OrganisationFactory(kind_slug="hbo", province_code="NL-ZH")
    ).user

    for person in (member, neighbour):
        client.force_login(person)
        assert titles_on(client.get(LIST_URL)) == ["Alleen de regio"], person
    login_with_second_factor(client, coordinator)
    assert titles_on(client.get(LIST_URL)) == ["Alleen de regio"]
    for person in (outsider, other_hub_coordinator):
        login_with_second_factor(client, person)
        response = client.get(LIST_URL, {"q": "regio", "hub": "zuid-holland"})
        assert titles_on(response) == [], person
        assert "Alleen de regio" not in response.text
        assert response.context["page_obj"].paginator.count == 0  # nor counted


def test_topic_group_filter_matches_challenges_on_its_leaves(client, sme):
    ChallengeFactory(organisation=sme, title="Tijdreeks", topics=["time-series"])
    ChallengeFactory(organisation=sme, title="Hele groep", topics=["ml"])
    ChallengeFactory(organisation=sme, title="Camera", topics=["visual-inspection"])

    assert sorted(titles_on(client.get(LIST_URL, {"topic": "ml"}))) == ["Hele groep", "Tijdreeks"]
    # A challenge naming the group wants anything in it, so a leaf search finds it too.
    assert sorted(titles_on(client.get(LIST_URL, {"topic": "time-series"}))) == [
        "Hele groep",
        "Tijdreeks",
    ]
    assert titles_on(client.get(LIST_URL, {"topic": "vision"})) == ["Camera"]
    assert sorted(titles_on(client.get(LIST_URL, {"topic": ["time-series", "vision"]}))) == [
        "Camera",
        "Hele groep",
        "Tijdreeks",
    ]


def test_challenge_with_two_matching_topics_is_listed_once(client, sme):
    ChallengeFactory(organisation=sme, title="Twee", topics=["time-series", "anomaly-detection"])
    assert titles_on(client.get(LIST_URL, {"topic": ["ml", "time-series"]})) == ["Twee"]


def test_province_filter_takes_several_provinces(client):
    ChallengeFactory(title="Rotterdam", province_code="NL-ZH")
    ChallengeFactory(title="Utrecht", province_code="NL-UT")
    ChallengeFactory(title="Maastricht", province_code="NL-LI")

    response = client.get(LIST_URL, {"province": ["NL-ZH", "NL-UT"]})

    assert sorted(titles_on(response)) == ["Rotterdam", "Utrecht"]
    assert re.search(r'value="NL-ZH" id="id_province_\d+" checked', response.text)
    assert re.search(r'value="NL-UT" id="id_province_\d+" checked', response.text)
    assert not re.search(r'value="NL-LI" id="id_province_\d+" checked', response.text)


def test_hub_filter_means_the_provinces_of_the_hub(client):
    ChallengeFactory(title="Groningen", province_code="NL-GR")
    ChallengeFactory(title="Drenthe", province_code="NL-DR")
    ChallengeFactory(title="Utrecht", province_code="NL-UT")
    ChallengeFactory(title="Eindhoven", province_code="NL-NB")

    assert sorted(titles_on(client.get(LIST_URL, {"hub": "noord-nederland"}))) == [
        "Drenthe",
        "Groningen",
    ]
    both = client.get(LIST_URL, {"hub": ["noord-nederland", "brainport-brabant"]})
    assert sorted(titles_on(both)) == ["Drenthe", "Eindhoven", "Groningen"]


def test_text_sector_and_format_filters_narrow_the_list(client, sme):
    bakery = ChallengeFactory(organisation=sme, title="Broodvoorspelling")
    bakery.sectors.add(Sector.objects.get(slug="agrifood"))
    bakery.formats.add(Format.objects.get(slug="student-project"))
    transport = ChallengeFactory(organisation=sme, title="Iets anders", description="Logistiek.")
    transport.sectors.add(Sector.objects.get(slug="logistics"))
    transport.formats.add(Format.objects.get(slug="internship"))
    ChallengeFactory(organisation=sme, title="Zonder sector")

    assert titles_on(client.get(LIST_URL, {"q": "brood"})) == ["Broodvoorspelling"]
    assert titles_on(client.get(LIST_URL, {"q": "logistiek"})) == ["Iets anders"]
    assert titles_on(client.get(LIST_URL, {"sector": "agrifood"})) == ["Broodvoorspelling"]
    assert titles_on(client.get(LIST_URL, {"format": "student-project"})) == ["Broodvoorspelling"]
    assert sorted(titles_on(client.get(LIST_URL, {"sector": ["agrifood", "logistics"]}))) == [
        "Broodvoorspelling",
        "Iets anders",
    ]
    assert sorted(
        titles_on(client.get(LIST_URL, {"format": ["student-project", "internship"]}))
    ) == ["Broodvoorspelling", "Iets anders"]
    assert titles_on(client.get(LIST_URL, {"format": "internship", "sector": "agrifood"})) == []


def test_search_finds_dutch_and_english_texts_and_ranks_by_relevance(client, sme):
    ChallengeFactory(
        organisation=sme,
        title="Fietsen verhuren",
        description="Fietsen, fietsen en nog eens fietsen: de vraag naar fietsen voorspellen.",
    )
    ChallengeFactory(organisation=sme, title="Parkeren", description="Ook een fietsenstalling.")
    ChallengeFactory(
        organisation=sme, title="Predicting bike demand", description="Bicycles in Delft."
    )

    assert titles_on(client.get(LIST_URL, {"q": "fiets"})) == ["Fietsen verhuren", "Parkeren"]
    assert titles_on(client.get(LIST_URL, {"q": "bicycle prediction"})) == [
        "Predicting bike demand"
    ]
    by_title = client.get(LIST_URL, {"q": "fiets", "sort": "title"})
    assert titles_on(by_title) == ["Fietsen verhuren", "Parkeren"]


def test_stop_words_only_search_filters_nothing(client, sme):
    ChallengeFactory(organisation=sme, title="Een")
    ChallengeFactory(organisation=sme, title="Twee")
    response = client.get(LIST_URL, {"q": "de het"})
    assert len(titles_on(response)) == 2
    assert response.context["filterset"].sort == "newest"


def test_unknown_filter_values_are_ignored_not_an_error(client, sme):
    ChallengeFactory(organisation=sme, title="Blijft staan")
    for params in (
        {"province": "NL-XX", "topic": "nope", "sort": "random"},
        {"status": "bogus", "hub": ["atlantis", "zuid-holland"], "format": ""},
        {"page": "abc"},
        {"page": "999"},
        {"q": "x" * 1000},
        {"q": "fiets\x00"},
        {"sector": "\x00"},
        {"sort": "relevance"},  # without a search: the default order
        {"q": "-"},
        {"topic[]": "ml", "province": ""},
    ):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200, params
        assert titles_on(response) == ["Blijft staan"], params
    # Web-search syntax that is left open is still a search, not an error.
    assert client.get(LIST_URL, {"q": '"open quote -'}).status_code == 200


def test_an_invalid_value_is_reported_next_to_its_facet(client, sme):
    response = client.get("/en" + LIST_URL, {"topic": "nope"})
    assert response.status_code == 200
    assert 'aria-describedby="id_topic_error"' in response.text
    assert 'id="id_topic_error"' in response.text


def test_sort_orders_newest_oldest_and_by_title(client, sme):
    now = timezone.now()
    ChallengeFactory(organisation=sme, title="B oud", published_at=now - timedelta(2))
    ChallengeFactory(organisation=sme, title="A nieuw", published_at=now)
    ChallengeFactory(organisation=sme, title="C midden", published_at=now - timedelta(1))

    assert titles_on(client.get(LIST_URL)) == ["A nieuw", "C midden", "B oud"]
    assert titles_on(client.get(LIST_URL, {"sort": "oldest"})) == ["B oud", "C midden", "A nieuw"]
    assert titles_on(client.get(LIST_URL, {"sort": "title"})) == ["A nieuw", "B oud", "C midden"]


def test_sort_links_keep_the_filters_and_offer_relevance_only_while_searching(client, sme):
    ChallengeFactory(organisation=sme, title="Voorspellen", topics=["time-series"])

    plain = client.get("/en" + LIST_URL, {"topic": "ml", "page": "1"}).text
    assert 'href="?topic=ml&amp;sort=title"' in plain
    assert 'id="sort-relevance"' not in plain
    assert re.search(r'id="sort-newest" href="[^"]*" aria-current="true"', plain)

    searching = client.get("/en" + LIST_URL, {"topic": "ml", "q": "voorspel"}).text
    assert re.search(r'id="sort-relevance" href="[^"]*" aria-current="true"', searching)

    chosen = client.get("/en" + LIST_URL, {"topic": "ml", "sort": "title"}).text
    # The filter form keeps the chosen order, so changing a facet does not lose it.
    assert '<input type="hidden" name="sort" value="title">' in chosen


def test_list_pages_by_twenty_and_keeps_the_filters_in_page_links(client, sme):
    ChallengeFactory.create_batch(21, organisation=sme, topics=["nlp"])

    response = client.get(LIST_URL, {"topic": ["language", "ml"], "q": "voorspel"})

    assert len(titles_on(response)) == 20
    assert 'aria-label="Pagina\'s"' in response.text or 'aria-label="Pages"' in response.text
    assert "?topic=language&amp;topic=ml&amp;q=voorspel&amp;page=2" in response.text
    second = client.get(LIST_URL, {"topic": ["language", "ml"], "q": "voorspel", "page": 2})
    assert len(titles_on(second)) == 1


def test_url_parameters_round_trip_into_the_form(client, sme):
    ChallengeFactory(organisation=sme)
    params = {
        "q": "voorspellen",
        "province": ["NL-ZH", "NL-UT"],
        "hub": "zuid-holland",
        "topic": ["ml", "nlp"],
        "sector": "agrifood",
        "format": "hackathon",
        "status": "closed",
    }
    text = client.get(LIST_URL, params).text

    assert 'name="q" value="voorspellen"' in text
    for name, values in params.items():
        if name == "q":
            continue
        for value in [values] if isinstance(values, str) else values:
            assert re.search(rf'name="{name}" value="{value}" id="id_{name}_\d+" checked', text), (
                name,
                value,
            )
    # The group of a ticked leaf shows its leaves.
    assert re.search(r'<details class="facet-children" open>\s*<summary>[^<]*Taal', text)


def test_htmx_request_gets_only_the_results_and_the_counts_out_of_band(client, sme):
    ChallengeFactory(organisation=sme, title="Tijdreeks", topics=["time-series"])
    ChallengeFactory(organisation=sme, title="Camera", topics=["visual-inspection"])

    response = client.get(
        "/en" + LIST_URL, {"topic": "ml"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="result-list"
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "<form" not in response.text
    assert "Tijdreeks" in response.text
    assert "Camera" not in response.text
    assert re.search(r'id="result-count"[^>]*hx-swap-oob="innerHTML"', response.text)
    assert "1 challenge" in response.text
    assert re.search(r'id="id_topic_\d+_count" hx-swap-oob="true"', response.text)
    assert 'id="sort-keeper" hx-swap-oob="true"' in response.text


def test_full_request_gets_the_whole_page_with_htmx_wiring(client, sme):
    ChallengeFactory(organisation=sme, title="Tijdreeks", topics=["time-series"])

    text = client.get("/en" + LIST_URL, {"topic": "ml"}).text

    assert "<html" in text and "Tijdreeks" in text
    assert 'hx-get="/en/challenges/"' in text
    assert 'hx-target="#result-list"' in text
    assert 'hx-push-url="true"' in text
    assert 'id="result-list"' in text
    assert re.search(r'<p id="result-count"[^>]*aria-live="polite"', text)
    assert "1 challenge" in text
    assert "/static/js/facets.js" in text and "/static/css/search.css" in text
    assert "<script>" not in text  # CSP: no inline script
    assert "hx-swap-oob" not in text


def test_list_form_is_accessible(client):
    text = client.get(LIST_URL).text
    assert '<form id="filters" class="facets" method="get"' in text
    assert 'role="search"' in text
    assert '<label for="id_q" class="utrecht-form-label">' in text
    assert '<button type="submit"' in text  # works without JavaScript
    for name in ("province", "hub", "topic", "sector", "format", "status"):
        assert re.search(rf'id="id_{name}_0"[^>]*>\s*<label for="id_{name}_0">', text), name
    assert text.count('<fieldset class="facet"') == 6
    assert text.count("<legend>") >= 6
    assert "<h1>" in text


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, sme, member, signed_in
):
    if signed_in:
        client.force_login(member)
    params = {
        "q": "voorspel",
        "topic": ["ml", "nlp"],
        "province": ["NL-ZH", "NL-UT"],
        "hub": "zuid-holland",
        "sector": "agrifood",
        "format": "internship",
        "status": ["published", "in_community"],
        "sort": "title",
    }
    sectors = Sector.objects.filter(slug__in=["agrifood", "energy"])
    internship = Format.objects.get(slug="internship")

    def add(count):
        for _ in range(count):
            challenge = ChallengeFactory(
                organisation=OrganisationFactory(), topics=["time-series", "ml", "nlp"]
            )
            challenge.sectors.add(*sectors)
            challenge.formats.add(internship)

    def fetch(expected_rows):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200
        assert len(titles_on(response)) == expected_rows
        return response

    add(3)
    # Two more than before search by meaning: its check for vectors stored since the last,
    # and the one query that finds every row the words and labels match. The first page
    # after a change of data also builds the facet pairs (one query per count part, 7),
    # and the counts read the visible rows and the facet conditions (2) and the data
    # version (3 times).
    with django_assert_max_num_queries(27):
        fetch(3)
    add(27)
    with django_assert_max_num_queries(27):
        fetch(20)
    with django_assert_max_num_queries(18):
        client.get(LIST_URL, params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="result-list")


# --- The detail page --------------------------------------------------------------------------


def test_public_challenge_page_shows_its_details(client, sme):
    challenge = ChallengeFactory(
        organisation=sme,
        title="Minder verspilling",
        learning_goals="Ons planningsteam wil leren werken met voorspellingen.",
        topics=["predictive-analytics"],
    )
    challenge.sectors.add(Sector.objects.get(slug="agrifood"))
    challenge.formats.add(Format.objects.get(slug="internship"))

    response = client.get(detail_url(challenge))

    assert response.status_code == 200
    text = response.text
    assert "<h1>Minder verspilling</h1>" in text
    assert sme.name in text
    assert "Zuid-Holland" in text
    assert "Voorspellende analyse" in text
    assert "Uit gegevens van vroeger voorspellen wat er gaat gebeuren." in text  # plain words
    assert "Agri en food" in text
    assert "Stage of afstudeeropdracht" in text
    assert "Ons planningsteam wil leren" in text


def test_anonymous_gets_404_for_members_hub_and_draft_challenges(client, sme):
    for extra in (
        {"visibility": Visibility.MEMBERS},
        {"visibility": Visibility.HUB},
        {"status": ChallengeStatus.DRAFT},
        {"status": ChallengeStatus.SUBMITTED},
    ):
        assert (
            client.get(detail_url(ChallengeFactory(organisation=sme, **extra))).status_code == 404
        )


def test_missing_challenge_is_the_same_404(client):
    assert client.get(reverse("challenges:detail", kwargs={"pk": 999999})).status_code == 404


def test_members_only_challenge_opens_for_any_signed_in_member(client, sme, outsider):
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.MEMBERS)
    client.force_login(outsider)
    assert client.get(detail_url(challenge)).status_code == 200


def test_hub_only_challenge_opens_for_region_and_coordinator(client, sme, member, coordinator):
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    client.force_login(member)
    assert client.get(detail_url(challenge)).status_code == 200
    login_with_second_factor(client, coordinator)
    assert client.get(detail_url(challenge)).status_code == 200


def test_coordinator_reach_waits_for_the_second_factor(client, sme, coordinator):
    """Signed in with the password alone, a coordinator sees the directory as any member
    does; a page only their reach opens asks for the code first, then opens."""
    ChallengeFactory(organisation=sme, title="Alleen de regio", visibility=Visibility.HUB)
    submitted = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    give_totp(coordinator)
    client.force_login(coordinator)

    response = client.get(LIST_URL)
    assert titles_on(response) == []
    assert response.context["page_obj"].paginator.count == 0
    asked = client.get(detail_url(submitted))
    assert asked.status_code == 302
    assert asked["Location"].startswith(reverse("mfa_reauthenticate"))

    login_with_second_factor(client, coordinator)
    assert titles_on(client.get(LIST_URL)) == ["Alleen de regio"]
    assert client.get(detail_url(submitted)).status_code == 200


def test_outsider_gets_404_for_hub_only_challenge(client, sme, outsider):
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    client.force_login(outsider)
    assert client.get(detail_url(challenge)).status_code == 404


def test_other_hub_coordinator_gets_404_for_hub_only_challenge(client, sme, other_hub_coordinator):
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    sign_in(client, other_hub_coordinator)
    assert client.get(detail_url(challenge)).status_code == 404


def test_draft_is_404_for_everyone_but_the_owning_organisation(
    client, sme, member, outsider, coordinator, other_hub_coordinator, programme_coordinator
):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT, title="Ons concept")
    for person in (outsider, coordinator, other_hub_coordinator, programme_coordinator):
        sign_in(client, person)
        assert client.get(detail_url(draft)).status_code == 404, person

    client.force_login(member)
    response = client.get(detail_url(draft))
    assert response.status_code == 200
    assert "Ons concept" in response.text


def test_submitted_challenge_is_seen_by_region_coordinator_not_other_hub(
    client, sme, coordinator, other_hub_coordinator
):
    submitted = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    login_with_second_factor(client, coordinator)
    assert client.get(detail_url(submitted)).status_code == 200
    login_with_second_factor(client, other_hub_coordinator)
    assert client.get(detail_url(submitted)).status_code == 404


def test_owner_sees_the_reason_of_a_rejection(client, sme, member):
    rejected = ChallengeFactory(
        organisation=sme,
        status=ChallengeStatus.REJECTED,
        rejection_reason="Beschrijf welk probleem de voorspelling oplost.",
    )
    client.force_login(member)
    response = client.get(detail_url(rejected))
    assert response.status_code == 200
    assert "Beschrijf welk probleem de voorspelling oplost." in response.text


def test_rejected_challenge_stays_hidden_from_outsiders(client, sme, outsider):
    rejected = ChallengeFactory(
        organisation=sme, status=ChallengeStatus.REJECTED, rejection_reason="Te vaag."
    )
    assert client.get(detail_url(rejected)).status_code == 404
    client.force_login(outsider)
    assert client.get(detail_url(rejected)).status_code == 404


def test_detail_query_count_is_fixed(client, django_assert_max_num_queries, sme):
    challenge = ChallengeFactory(organisation=sme, topics=["ml", "time-series", "nlp", "speech"])
    with django_assert_max_num_queries(4):
        assert client.get(detail_url(challenge)).status_code == 200
