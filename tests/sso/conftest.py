from tests.oidc_provider.fixtures import oidc_provider, surfconext  # noqa: F401
