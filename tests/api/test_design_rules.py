"""The NL API Design Rules points the API complies with (docs/api.md), each by a test."""

import re

import pytest

from tests.challenges.factories import ChallengeFactory

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "title_nl", "title_en", "status", "detail", "instance"}


def test_api_version_header_on_success(client):
    response = client.get("/api/v1/reference/provinces")
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"


def test_api_version_header_and_problem_on_unknown_path(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["API-Version"] == "1.0.0"
    assert response["Content-Type"].startswith("application/problem+json")
    assert set(response.json()) >= PROBLEM_KEYS


def test_api_version_header_on_error_from_the_api(client):
    response = client.get("/api/v1/challenges/999999")
    assert response.status_code == 404
    assert response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["status"] == 404
    assert body["instance"] == "/api/v1/challenges/999999"


def test_problem_title_is_dutch_by_default_and_english_on_request(client):
    dutch = client.get("/api/v1/challenges/999999").json()
    english = client.get("/api/v1/challenges/999999", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").json()
    assert dutch["title"] == dutch["title_nl"] == "Niet gevonden"
    assert english["title"] == english["title_en"] == "Not found"
    assert english["title_nl"] == "Niet gevonden"


def test_validation_error_lists_the_invalid_params(client):
    response = client.get("/api/v1/challenges?page=0&page_size=500")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    names = {param["name"] for param in response.json()["invalid_params"]}
    assert names == {"page", "page_size"}


def test_unknown_facet_value_is_an_invalid_param(client):
    response = client.get("/api/v1/challenges?hub=atlantis")
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalid_params"]] == ["hub"]


def test_no_trailing_slash(client, sme):
    challenge = ChallengeFactory(organisation=sme)
    assert client.get("/api/v1/challenges").status_code == 200
    assert client.get(f"/api/v1/challenges/{challenge.pk}").status_code == 200
    for path in ("/api/v1/challenges/", f"/api/v1/challenges/{challenge.pk}/"):
        response = client.get(path)
        assert response.status_code == 404  # not a redirect
        assert response["Content-Type"].startswith("application/problem+json")


def test_paths_are_plural_kebab_case_nouns_without_trailing_slash(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths
    segment = re.compile(r"^([a-z]+(-[a-z]+)*|\{[a-z_]+\})$")
    singular_allowed = {
        "me",
        "reference",
        "for-you",
        # Workflow steps (docs/api.md explains the departure).
        "submit",
        "withdraw",
        "shortlist",
        "introduction",
    }
    for path in paths:
        assert not path.endswith("/"), path
        parts = path.removeprefix("/api/v1/").split("/")
        for part in parts:
            assert segment.match(part), path
            if not part.startswith("{") and part not in singular_allowed:
                assert part.endswith("s"), path


def test_openapi_document_is_published_at_api_v1(client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1.0.0"
    assert "/api/v1/challenges" in document["paths"]
    error = document["paths"]["/api/v1/challenges"]["get"]["responses"]["404"]
    assert "application/problem+json" in error["content"]


def test_reference_page_lists_every_operation_without_a_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    for path in client.get("/api/v1/openapi.json").json()["paths"]:
        assert path in html
    assert "cdn" not in html.lower()
    assert "swagger" not in html.lower()


def test_reference_page_shows_the_header_with_its_placeholder(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "Authorization: Bearer &lt;token&gt;" in html


def test_pagination_links_in_the_body(client, sme):
    for _ in range(5):
        ChallengeFactory(organisation=sme)
    body = client.get("/api/v1/challenges?page=2&page_size=2").json()
    assert body["count"] == 5
    assert (body["page"], body["page_size"]) == (2, 2)
    assert len(body["results"]) == 2
    links = body["links"]
    assert links["self"].endswith("/api/v1/challenges?page=2&page_size=2")
    assert links["first"].endswith("page=1&page_size=2")
    assert links["prev"].endswith("page=1&page_size=2")
    assert links["next"].endswith("page=3&page_size=2")
    assert links["last"].endswith("page=3&page_size=2")
    last = client.get(links["last"]).json()
    assert len(last["results"]) == 1 and last["links"]["next"] is None


def test_page_size_is_at_most_100(client):
    assert client.get("/api/v1/challenges?page_size=100").status_code == 200
    assert client.get("/api/v1/challenges?page_size=101").status_code == 400


def test_the_document_lists_each_facets_current_values(client):
    """So a client, or an outside contract tester, knows which hubs and topics it may ask
    for (an unknown one is refused with 400)."""
    document = client.get("/api/v1/openapi.json").json()
    parameters = {
        parameter["name"]: parameter["schema"]
        for parameter in document["paths"]["/api/v1/challenges"]["get"]["parameters"]
    }
    assert "zuid-holland" in parameters["hub"]["items"]["enum"]
    assert "NL-ZH" in parameters["province"]["items"]["enum"]
    assert "x-facet" not in parameters["hub"]


def test_the_documented_search_length_is_the_one_the_search_takes(client):
    from apps.core.search import MAX_QUERY_LENGTH

    document = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/challenges", "/api/v1/communities"):
        q = next(p for p in document["paths"][path]["get"]["parameters"] if p["name"] == "q")
        lengths = [part.get("maxLength") for part in q["schema"].get("anyOf", [q["schema"]])]
        assert MAX_QUERY_LENGTH in lengths, q
        assert client.get(path, {"q": "x" * MAX_QUERY_LENGTH}).status_code == 200
