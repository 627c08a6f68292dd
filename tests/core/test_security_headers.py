import pytest

pytestmark = pytest.mark.django_db


def test_pages_send_a_content_security_policy_without_inline_scripts(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_cannot_be_framed_and_do_not_sniff_types(client):
    response = client.get("/challenges/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_page_loads_anything_from_another_origin(client):
    for path in ("/", "/challenges/", "/organisations/", "/hubs/", "/accounts/login/"):
        html = client.get(path).content.decode()
        assert "https://cdn" not in html and "//fonts.googleapis" not in html, path
        assert "<script>" not in html, f"inline script on {path}"
