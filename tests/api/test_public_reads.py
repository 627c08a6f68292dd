"""Public reads: the same visibility, filters and search as the pages, constant queries."""

import pytest

from apps.challenges.models import ChallengeStatus, Visibility
from tests.api.conftest import bearer
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import LearningCommunityFactory
from tests.knowledge.factories import KnowledgeItemFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_hub_website_gets_its_regions_published_challenges(client, sme):
    own = ChallengeFactory(organisation=sme, province_code="NL-ZH")
    elsewhere = ChallengeFactory(province_code="NL-GR")
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    found = ids(client.get("/api/v1/challenges?hub=zuid-holland"))
    assert own.pk in found
    assert elsewhere.pk not in found and draft.pk not in found


def test_search_q_uses_the_directory_search(client, sme):
    bakery = ChallengeFactory(organisation=sme, title="Broodjes voorspellen met AI")
    other = ChallengeFactory(organisation=sme, title="Sensoren in de haven")
    found = ids(client.get("/api/v1/challenges", {"q": "haven"}))
    assert other.pk in found and bakery.pk not in found


def test_facets_repeat_for_any_of(client, sme):
    zh = ChallengeFactory(organisation=sme, province_code="NL-ZH")
    gr = ChallengeFactory(province_code="NL-GR")
    ut = ChallengeFactory(province_code="NL-UT")
    found = ids(client.get("/api/v1/challenges?province=NL-ZH&province=NL-GR"))
    assert {zh.pk, gr.pk} <= found and ut.pk not in found


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "member"])
def test_hub_only_challenge_follows_visible_to(client, request, sme, token_for, persona):
    hub_only = ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    headers = {}
    if persona != "anonymous":
        headers = bearer(token_for(request.getfixturevalue(persona)))
    listed = hub_only.pk in ids(client.get("/api/v1/challenges", **headers))
    detail = client.get(f"/api/v1/challenges/{hub_only.pk}", **headers).status_code
    assert listed is (persona == "member")
    assert detail == (200 if persona == "member" else 404)


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "coordinator", "member"])
def test_another_organisations_draft_stays_with_it(client, request, sme, token_for, persona):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    headers = {}
    if persona != "anonymous":
        headers = bearer(token_for(request.getfixturevalue(persona)))
    status = client.get(f"/api/v1/challenges/{draft.pk}", **headers).status_code
    assert status == (200 if persona == "member" else 404)


@pytest.mark.parametrize(
    ("persona", "sees"),
    [("anonymous", False), ("outsider", True), ("member", True)],
)
def test_members_only_knowledge(client, request, token_for, persona, sees):
    item = KnowledgeItemFactory(visibility=Visibility.MEMBERS)
    headers = {}
    if persona != "anonymous":
        headers = bearer(token_for(request.getfixturevalue(persona)))
    listed = {r["slug"] for r in client.get("/api/v1/knowledge-items", **headers).json()["results"]}
    assert (item.slug in listed) is sees
    status = client.get(f"/api/v1/knowledge-items/{item.slug}", **headers).status_code
    assert status == (200 if sees else 404)


def test_submitted_challenge_is_hidden_from_a_coordinator_token(
    client, sme, coordinator, token_for
):
    """A coordinator's reach (and a staff flag) never comes with a token: the submitted
    challenge of their region that the review queue shows them stays hidden in the API."""
    submitted = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    assert coordinator.is_staff
    response = client.get(f"/api/v1/challenges/{submitted.pk}", **bearer(token_for(coordinator)))
    assert response.status_code == 404


def test_members_only_community_hidden_from_visitors(client):
    hidden = LearningCommunityFactory(is_public=False)
    public = LearningCommunityFactory(is_public=True)
    listed = {r["slug"] for r in client.get("/api/v1/communities").json()["results"]}
    assert public.slug in listed and hidden.slug not in listed
    assert client.get(f"/api/v1/communities/{hidden.slug}").status_code == 404


def test_invalid_token_on_a_public_read_is_401(client):
    response = client.get("/api/v1/challenges", HTTP_AUTHORIZATION="Bearer lc_nope_nope")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_reference_data_in_both_languages(client):
    for path in (
        "provinces",
        "hubs",
        "ai-topics",
        "sectors",
        "formats",
        "organisation-kinds",
    ):
        rows = client.get(f"/api/v1/reference/{path}").json()
        assert rows, path
        if path != "hubs":
            assert {"name_nl", "name_en"} <= set(rows[0]), path
    provinces = {p["code"]: p for p in client.get("/api/v1/reference/provinces").json()}
    assert provinces["NL-NB"]["name_en"] == "North Brabant"


def _grow(kind, sme, count):
    for _ in range(count):
        if kind == "challenges":
            ChallengeFactory(organisation=sme, topics=["nlp", "speech"])
        elif kind == "organisations":
            OrganisationFactory(province_code="NL-ZH")
        elif kind == "communities":
            LearningCommunityFactory()
        elif kind == "knowledge-items":
            KnowledgeItemFactory(topics=["nlp"])


@pytest.mark.parametrize(
    "kind", ["challenges", "organisations", "communities", "knowledge-items", "hubs"]
)
def test_list_query_count_does_not_grow_with_results(
    client, sme, kind, django_assert_max_num_queries
):
    _grow(kind, sme, 2)
    with django_assert_max_num_queries(30) as few:
        first = client.get(f"/api/v1/{kind}?page_size=100")
    _grow(kind, sme, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        second = client.get(f"/api/v1/{kind}?page_size=100")
    if kind != "hubs":
        assert second.json()["count"] >= first.json()["count"] + 10
