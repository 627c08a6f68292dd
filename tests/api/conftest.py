import pytest


@pytest.fixture
def api_client(client):
    return client


@pytest.fixture
def token_for():
    """A token's secret for a person: `token_for(user, scope="write")`."""
    from apps.api.services import api_token_create

    def make(user, scope="read", **kwargs):
        return api_token_create(user=user, name="test", scope=scope, **kwargs).secret

    return make


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
