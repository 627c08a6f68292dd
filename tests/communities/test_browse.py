"""The community directory: facets, search, visibility and the query budget."""

import pytest
from django.urls import reverse

from apps.challenges.models import Visibility
from apps.communities.models import CommunityStatus
from apps.hubs.models import Hub
from apps.taxonomy.models import Sector
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.mfa_helpers import login_with_second_factor

pytestmark = pytest.mark.django_db

LIST_URL = reverse("communities:list")


def names_on(response):
    return sorted(community.name for community in response.context["page_obj"].object_list)


def names(client, **params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return names_on(response)


def test_directory_lists_public_communities_for_everyone(client):
    LearningCommunityFactory(name="Open kring")
    LearningCommunityFactory(name="Besloten kring", is_public=False)

    response = client.get(LIST_URL)

    assert names_on(response) == ["Open kring"]
    assert "Besloten kring" not in response.text
    assert "<h1>" in response.text


def test_members_only_community_is_listed_for_its_members_and_hub_coordinator_only(
    client, member, outsider, coordinator, other_hub_coordinator
):
    hidden = LearningCommunityFactory(name="Besloten kring", is_public=False)
    CommunityMembershipFactory(community=hidden, user=member)

    client.force_login(member)
    assert names(client) == ["Besloten kring"]
    client.force_login(coordinator)
    assert names(client) == []  # the hub's reach waits for the second factor
    login_with_second_factor(client, coordinator)
    assert names(client) == ["Besloten kring"]
    for person in (outsider, other_hub_coordinator):
        login_with_second_factor(client, person)
        response = client.get(LIST_URL, {"q": "kring"})
        assert names_on(response) == [], person
        assert response.context["page_obj"].paginator.count == 0


def test_hub_and_status_facets_take_one_or_several_values(client):
    LearningCommunityFactory(name="ZH vormend")
    LearningCommunityFactory(name="ZH actief", status=CommunityStatus.ACTIVE)
    LearningCommunityFactory(
        name="Limburg klaar",
        status=CommunityStatus.COMPLETED,
        hub=Hub.objects.get(slug="brightlands-limburg"),
    )

    assert names(client, hub="zuid-holland") == ["ZH actief", "ZH vormend"]
    assert names(client, hub=["zuid-holland", "brightlands-limburg"]) == [
        "Limburg klaar",
        "ZH actief",
        "ZH vormend",
    ]
    assert names(client, status="active") == ["ZH actief"]
    assert names(client, status=["active", "completed"]) == ["Limburg klaar", "ZH actief"]
    assert names(client, status="completed", hub="zuid-holland") == []


def test_topic_and_sector_come_from_the_challenges_a_community_works_on(client, sme):
    vision = LearningCommunityFactory(name="Beeld")
    vision.challenges.add(ChallengeFactory(organisation=sme, topics=["visual-inspection"]))
    language = LearningCommunityFactory(name="Taal")
    challenge = ChallengeFactory(organisation=sme, topics=["nlp"])
    challenge.sectors.add(Sector.objects.get(slug="health"))
    language.challenges.add(challenge)
    LearningCommunityFactory(name="Zonder uitdaging")

    assert names(client, topic="vision") == ["Beeld"]
    assert names(client, topic="visual-inspection") == ["Beeld"]
    assert names(client, topic=["vision", "language"]) == ["Beeld", "Taal"]
    assert names(client, sector="health") == ["Taal"]
    assert names(client, sector=["health", "energy"], topic="vision") == []


def test_topic_of_a_hidden_challenge_does_not_find_its_community(client, sme, member, outsider):
    community = LearningCommunityFactory(name="Regio")
    community.challenges.add(
        ChallengeFactory(organisation=sme, topics=["speech"], visibility=Visibility.HUB)
    )

    def speech_count():
        facets = {facet.name: facet for facet in client.get(LIST_URL).context["facets"]}
        return next(o.count for o in facets["topic"].all_options if o.value == "speech")

    assert names(client, topic="speech") == []  # the challenge is hidden from the public
    assert speech_count() == 0  # nor counted
    client.force_login(outsider)
    assert names(client, topic="speech") == []
    assert speech_count() == 0
    client.force_login(member)
    assert names(client, topic="speech") == ["Regio"]
    assert speech_count() == 1


def test_search_finds_name_goal_and_objectives_in_dutch_and_english(client):
    LearningCommunityFactory(name="Slimme kassa", goal="Voorspellingen voor bakkerijen maken.")
    LearningCommunityFactory(
        name="Robots",
        goal="Samen leren.",
        learning_objectives="Students learn to program warehouse robots.",
    )

    assert names(client, q="bakkerij") == ["Slimme kassa"]
    assert names(client, q="voorspelling") == ["Slimme kassa"]
    assert names(client, q="programming") == ["Robots"]
    assert names(client, q="de") == ["Robots", "Slimme kassa"]


def test_sort_newest_first_or_by_name(client):
    LearningCommunityFactory(name="B")
    LearningCommunityFactory(name="A")
    LearningCommunityFactory(name="C")

    def ordered(**params):
        response = client.get(LIST_URL, params)
        return [community.name for community in response.context["page_obj"].object_list]

    assert ordered() == ["C", "A", "B"]
    assert ordered(sort="name") == ["A", "B", "C"]


def test_pages_keep_the_filters(client):
    LearningCommunityFactory.create_batch(21, status=CommunityStatus.ACTIVE)

    response = client.get(LIST_URL, {"status": "active", "hub": "zuid-holland"})

    assert len(response.context["page_obj"].object_list) == 20
    assert "?status=active&amp;hub=zuid-holland&amp;page=2" in response.text
    second = client.get(LIST_URL, {"status": "active", "hub": "zuid-holland", "page": 2})
    assert len(second.context["page_obj"].object_list) == 1


def test_htmx_gets_the_results_partial_and_plain_requests_the_page(client):
    LearningCommunityFactory(name="Open kring")

    partial = client.get(LIST_URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="result-list")
    page = client.get(LIST_URL)

    assert "<html" not in partial.text and "Open kring" in partial.text
    assert "<html" in page.text and "Open kring" in page.text
    assert 'hx-get="/communities/"' in page.text


def test_invalid_parameters_do_not_fail(client):
    LearningCommunityFactory(name="Blijft")
    for params in ({"hub": "atlantis"}, {"status": "gone"}, {"topic": "x"}, {"page": "0"}):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200, params
        assert names_on(response) == ["Blijft"], params


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, sme, member, signed_in
):
    if signed_in:
        client.force_login(member)
    params = {
        "q": "planning",
        "hub": "zuid-holland",
        "status": ["forming", "active"],
        "topic": ["ml", "nlp"],
        "sector": "health",
    }
    health = Sector.objects.get(slug="health")

    def add(count):
        for _ in range(count):
            community = LearningCommunityFactory()
            challenge = ChallengeFactory(organisation=sme, topics=["time-series", "nlp"])
            challenge.sectors.add(health)
            community.challenges.add(challenge)
            CommunityMembershipFactory(community=community)

    def fetch(expected_rows):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200
        assert len(response.context["page_obj"].object_list) == expected_rows

    add(3)
    # One more than before search by meaning: its check for vectors stored since the last.
    # One more for a ranked page: its ids in rank order, then its rows.
    with django_assert_max_num_queries(13):
        fetch(3)
    add(27)
    with django_assert_max_num_queries(13):
        fetch(20)
