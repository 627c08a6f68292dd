"""Personal tokens: created and revoked on the profile's pages, shown once, stored hashed."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.api.models import ApiToken
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

TOKENS_URL = "/me/api-tokens/"


def test_profile_nav_links_to_the_tokens(client, member):
    client.force_login(member)
    assert TOKENS_URL.encode() in client.get("/me/profile/").content


def test_create_shows_the_secret_once_and_stores_only_its_hash(client, member):
    client.force_login(member)
    response = client.post(TOKENS_URL, {"name": "Hub site", "scope": "write"}, follow=True)
    assert response.status_code == 200
    secret = response.context["created"].secret
    assert secret.encode() in response.content
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=member)
    assert token.scope == "write"
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.secret_hash, token.prefix}
    assert secret.encode() not in client.get(TOKENS_URL).content
    assert b"Hub site" in client.get(TOKENS_URL).content


def test_create_redirects_so_a_reload_makes_no_second_token(client, member):
    client.force_login(member)
    response = client.post(TOKENS_URL, {"name": "Hub site", "scope": "read"})
    assert response.status_code == 302
    assert response["Location"] == TOKENS_URL
    assert ApiToken.objects.filter(user=member).count() == 1


def test_the_secret_leaves_the_session_when_shown(client, member):
    from apps.api.views import NEW_TOKEN_SESSION_KEY

    client.force_login(member)
    client.post(TOKENS_URL, {"name": "Hub site", "scope": "read"})
    assert NEW_TOKEN_SESSION_KEY in client.session
    shown = client.get(TOKENS_URL)
    assert shown.context["created"].token.name == "Hub site"
    assert NEW_TOKEN_SESSION_KEY not in client.session
    assert client.get(TOKENS_URL).context["created"] is None


def test_a_form_with_errors_keeps_what_was_typed_and_links_each_error(client, member):
    client.force_login(member)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(TOKENS_URL, {"name": "", "scope": "write", "expires_on": yesterday})
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_name"' in html and 'href="#id_expires_on"' in html
    assert f'value="{yesterday}"' in html
    assert re.search(r'<input[^>]*value="write"[^>]*checked', html)


def test_the_header_example_shows_its_placeholder(client, member):
    client.force_login(member)
    response = client.post(TOKENS_URL, {"name": "Hub site", "scope": "read"}, follow=True)
    assert "Authorization: Bearer &lt;token&gt;" in response.content.decode()


def test_expiry_in_the_past_is_refused(client, member):
    client.force_login(member)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(TOKENS_URL, {"name": "x", "scope": "read", "expires_on": yesterday})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_token_authenticates_and_records_last_use(client, member, token_for):
    secret = token_for(member)
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    assert response.json()["email"] == member.email
    assert ApiToken.objects.get().last_used_at is not None


def test_revoked_token_is_401(client, member, token_for):
    secret = token_for(member)
    client.force_login(member)
    token = ApiToken.objects.get()
    client.post(f"{TOKENS_URL}{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_someone_elses_token_cannot_be_revoked(client, member, outsider, token_for):
    token_for(member)
    client.force_login(outsider)
    token = ApiToken.objects.get()
    assert client.post(f"{TOKENS_URL}{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_expired_token_is_401(client, member, token_for):
    secret = token_for(member, expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_missing_token_on_a_personal_endpoint_is_401(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["title_en"] == "Not signed in with a valid token"


def test_session_cookie_does_not_open_personal_endpoints(client, member):
    client.force_login(member)
    assert client.get("/api/v1/me").status_code == 401


def test_account_deletion_revokes_the_tokens(client, member, token_for):
    from apps.accounts.services import account_delete

    secret = token_for(member)
    account_delete(user=member)
    assert not ApiToken.objects.exists()
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_account_deletion_revokes_before_the_row_goes(member, token_for):
    from apps.api.privacy import anonymise

    token_for(member)
    anonymise(member)
    assert ApiToken.objects.get().revoked_at is not None


def test_my_data_lists_tokens_without_the_secret(member, token_for):
    from apps.accounts.privacy import personal_data_export

    secret = token_for(member)
    exported = personal_data_export(member)
    tokens = exported["apps"]["api"]["api_tokens"]
    assert [t["name"] for t in tokens] == ["test"]
    assert secret not in repr(exported)
    assert ApiToken.objects.get().secret_hash not in repr(exported)


def test_rate_limit_per_token_answers_429_with_retry_after(client, member, token_for, settings):
    settings.API_RATE_LIMIT_PER_TOKEN = 3
    secret = token_for(member)
    statuses = [client.get("/api/v1/me", **bearer(secret)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/me", **bearer(secret))
    assert 1 <= int(response["Retry-After"]) <= settings.API_RATE_LIMIT_WINDOW_SECONDS
    assert response["Content-Type"].startswith("application/problem+json")


def test_rate_limit_per_ip_answers_429_with_retry_after(client, settings):
    settings.API_RATE_LIMIT_PER_IP = 2
    statuses = [client.get("/api/v1/reference/sectors").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/reference/sectors")
    assert int(response["Retry-After"]) >= 1
    assert response["API-Version"] == "1.0.0"


def test_revoking_asks_first_and_revokes_only_when_confirmed(client, member, token_for):
    token_for(member)
    token = ApiToken.objects.get()
    client.force_login(member)
    asked = client.get(f"{TOKENS_URL}{token.pk}/revoke/")
    assert asked.status_code == 200
    assert "Token “test” intrekken?" in asked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    client.post(f"{TOKENS_URL}{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Asked again for a revoked token: back to the list, nothing to confirm.
    response = client.get(f"{TOKENS_URL}{token.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"].endswith(TOKENS_URL)


def test_the_revoke_question_is_for_the_tokens_owner_only(client, member, outsider, token_for):
    token_for(member)
    token = ApiToken.objects.get()
    url = f"{TOKENS_URL}{token.pk}/revoke/"
    assert client.get(url).status_code == 302  # to the login
    client.force_login(outsider)
    assert client.get(url).status_code == 404
