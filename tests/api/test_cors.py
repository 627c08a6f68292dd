import pytest

pytestmark = pytest.mark.django_db

ORIGIN = "https://www.hub-zuid-holland.example"


def test_public_read_allows_any_origin_without_credentials(client):
    response = client.get("/api/v1/challenges?hub=zuid-holland", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_personal_endpoint_has_no_cors(client):
    response = client.get("/api/v1/me", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


def test_site_pages_have_no_cors(client):
    response = client.get("/", HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response
