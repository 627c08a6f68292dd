from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.challenges.models import ChallengeStatus, Visibility
from apps.taxonomy.models import Format, Sector
from tests.challenges.factories import ChallengeFactory
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
    assert len(titles_on(client.get(LIST_URL, {"status": "all"}))) == 3


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

    for person in (member, neighbour, coordinator):
        client.force_login(person)
        assert titles_on(client.get(LIST_URL)) == ["Alleen de regio"], person
    for person in (outsider, other_hub_coordinator):
        client.force_login(person)
        assert titles_on(client.get(LIST_URL)) == [], person


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


def test_challenge_with_two_matching_topics_is_listed_once(client, sme):
    ChallengeFactory(organisation=sme, title="Twee", topics=["time-series", "anomaly-detection"])
    assert titles_on(client.get(LIST_URL, {"topic": "ml"})) == ["Twee"]


def test_province_filter_takes_several_provinces(client):
    ChallengeFactory(title="Rotterdam", province_code="NL-ZH")
    ChallengeFactory(title="Utrecht", province_code="NL-UT")
    ChallengeFactory(title="Maastricht", province_code="NL-LI")

    response = client.get(LIST_URL, {"province": ["NL-ZH", "NL-UT"]})

    assert sorted(titles_on(response)) == ["Rotterdam", "Utrecht"]
    assert 'value="NL-ZH"' in response.text and "checked" in response.text


def test_hub_filter_means_the_provinces_of_the_hub(client):
    ChallengeFactory(title="Groningen", province_code="NL-GR")
    ChallengeFactory(title="Drenthe", province_code="NL-DR")
    ChallengeFactory(title="Utrecht", province_code="NL-UT")

    response = client.get(LIST_URL, {"hub": "noord-nederland"})

    assert sorted(titles_on(response)) == ["Drenthe", "Groningen"]


def test_text_sector_and_format_filters_narrow_the_list(client, sme):
    bakery = ChallengeFactory(organisation=sme, title="Broodvoorspelling")
    bakery.sectors.add(Sector.objects.get(slug="agrifood"))
    bakery.formats.add(Format.objects.get(slug="student-project"))
    ChallengeFactory(organisation=sme, title="Iets anders", description="Over logistiek.")

    assert titles_on(client.get(LIST_URL, {"q": "brood"})) == ["Broodvoorspelling"]
    assert titles_on(client.get(LIST_URL, {"q": "logistiek"})) == ["Iets anders"]
    assert titles_on(client.get(LIST_URL, {"sector": "agrifood"})) == ["Broodvoorspelling"]
    assert titles_on(client.get(LIST_URL, {"format": "student-project"})) == ["Broodvoorspelling"]


def test_unknown_filter_values_are_ignored_not_an_error(client, sme):
    ChallengeFactory(organisation=sme, title="Blijft staan")
    response = client.get(LIST_URL, {"province": "NL-XX", "topic": "nope", "sort": "random"})
    assert response.status_code == 200
    assert titles_on(response) == ["Blijft staan"]


def test_sort_orders_newest_oldest_and_by_title(client, sme):
    now = timezone.now()
    ChallengeFactory(organisation=sme, title="B oud", published_at=now - timedelta(2))
    ChallengeFactory(organisation=sme, title="A nieuw", published_at=now)
    ChallengeFactory(organisation=sme, title="C midden", published_at=now - timedelta(1))

    assert titles_on(client.get(LIST_URL)) == ["A nieuw", "C midden", "B oud"]
    assert titles_on(client.get(LIST_URL, {"sort": "oldest"})) == ["B oud", "C midden", "A nieuw"]
    assert titles_on(client.get(LIST_URL, {"sort": "title"})) == ["A nieuw", "B oud", "C midden"]


def test_list_pages_by_twenty_and_keeps_the_filters_in_page_links(client, sme):
    ChallengeFactory.create_batch(21, organisation=sme, topics=["nlp"])

    response = client.get(LIST_URL, {"topic": "language"})

    assert len(titles_on(response)) == 20
    assert 'aria-label="Pagina\'s"' in response.text or 'aria-label="Pages"' in response.text
    assert "?topic=language&amp;page=2" in response.text
    assert len(titles_on(client.get(LIST_URL, {"topic": "language", "page": 2}))) == 1


def test_list_form_is_accessible(client):
    text = client.get(LIST_URL).text
    assert '<form class="facets" method="get"' in text
    assert "<legend" in text  # filter fieldset and the province checkbox group
    assert '<label for="id_q">' in text
    assert '<label for="id_topic">' in text
    assert "<h1>" in text


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, sme, member, signed_in
):
    if signed_in:
        client.force_login(member)

    def fetch():
        response = client.get(LIST_URL, {"topic": "ml", "province": ["NL-ZH", "NL-UT"]})
        assert response.status_code == 200
        return response

    ChallengeFactory(organisation=sme, topics=["time-series"])
    with django_assert_max_num_queries(11):
        fetch()

    sectors = list(Sector.objects.all()[:2])
    for _ in range(25):
        challenge = ChallengeFactory(
            organisation=OrganisationFactory(), topics=["time-series", "ml"]
        )
        challenge.sectors.add(*sectors)
    with django_assert_max_num_queries(11):
        assert len(titles_on(fetch())) == 20


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
    for person in (member, coordinator):
        client.force_login(person)
        assert client.get(detail_url(challenge)).status_code == 200


def test_outsider_gets_404_for_hub_only_challenge(client, sme, outsider):
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    client.force_login(outsider)
    assert client.get(detail_url(challenge)).status_code == 404


def test_other_hub_coordinator_gets_404_for_hub_only_challenge(client, sme, other_hub_coordinator):
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    client.force_login(other_hub_coordinator)
    assert client.get(detail_url(challenge)).status_code == 404


def test_draft_is_404_for_everyone_but_the_owning_organisation(
    client, sme, member, outsider, coordinator, other_hub_coordinator, programme_coordinator
):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT, title="Ons concept")
    for person in (outsider, coordinator, other_hub_coordinator, programme_coordinator):
        client.force_login(person)
        assert client.get(detail_url(draft)).status_code == 404, person

    client.force_login(member)
    response = client.get(detail_url(draft))
    assert response.status_code == 200
    assert "Ons concept" in response.text


def test_submitted_challenge_is_seen_by_region_coordinator_not_other_hub(
    client, sme, coordinator, other_hub_coordinator
):
    submitted = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    client.force_login(coordinator)
    assert client.get(detail_url(submitted)).status_code == 200
    client.force_login(other_hub_coordinator)
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
