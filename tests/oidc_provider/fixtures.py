"""The test OpenID Connect provider as a pytest fixture: a real django-oauth-toolkit server in a
process of its own on loopback, with a PostgreSQL database of its own (created and dropped
here, on the server and with the user of the tests' database) and an RSA key made at start.

Import `oidc_provider` (and `surfconext`) into a conftest or test module to use them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.processes import free_port, server_statement

BASE_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60

PLATFORM_CLIENT = {"name": "platform", "client_id": "platform", "client_secret": "platform-secret"}
MISBEHAVING = ("wrong-aud", "expired", "wrong-nonce", "wrong-key")
CLIENTS = [PLATFORM_CLIENT] + [
    {"name": name, "client_id": name, "client_secret": f"{name}-secret"} for name in MISBEHAVING
]
PASSWORD = "institution-password-1"
LECTURER = {
    "username": "jdevries",
    "password": PASSWORD,
    "email": "j.devries@hsleiden.nl",
    "first_name": "Jan",
    "last_name": "de Vries",
}
UNVERIFIED = {
    "username": "unverified-student",
    "password": PASSWORD,
    "email": "student@hsleiden.nl",
    "first_name": "Sam",
    "last_name": "Student",
}
STAFF = {
    "username": "beheerder",
    "password": PASSWORD,
    "email": "beheer@hsleiden.nl",
    "first_name": "Bea",
    "last_name": "Beheer",
}
STRANGER = {
    "username": "anouk",
    "password": PASSWORD,
    "email": "anouk@onbekende-school.nl",
    "first_name": "Anouk",
    "last_name": "Bakker",
}
USERS = [LECTURER, UNVERIFIED, STAFF, STRANGER]
TEST_CLIENT_CALLBACK = "http://testserver/accounts/oidc/surfconext/login/callback/"


@dataclass
class RunningProvider:
    base_url: str
    env: dict

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/o"

    def seed(self, document: dict) -> None:
        subprocess.run(
            [sys.executable, "-m", "django", "seed_oidc_provider", json.dumps(document)],
            env=self.env,
            cwd=BASE_DIR,
            check=True,
        )

    def allow_redirect_uri(self, uri: str) -> None:
        self.seed({"redirect_uris": [uri]})


def _new_rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="session")
def oidc_provider():
    from django.conf import settings

    database = settings.DATABASES["default"]
    name = f"lc_oidc_provider_{os.environ.get('PYTEST_DB_SUFFIX', 'main')}".replace("-", "_")
    server_statement(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server_statement(f'CREATE DATABASE "{name}"')
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "PYTHONPATH": str(BASE_DIR),
        "OIDC_PROVIDER_DB_NAME": name,
        "OIDC_PROVIDER_DB_HOST": database["HOST"] or "",
        "OIDC_PROVIDER_DB_PORT": str(database["PORT"] or ""),
        "OIDC_PROVIDER_DB_USER": database["USER"] or "",
        "OIDC_PROVIDER_RSA_KEY": _new_rsa_key_pem(),
    }
    provider = RunningProvider(base_url=f"http://127.0.0.1:{port}", env=env)
    server = None
    try:
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--verbosity", "0"],
            env=env,
            cwd=BASE_DIR,
            check=True,
        )
        provider.seed({"users": USERS, "clients": CLIENTS, "redirect_uris": [TEST_CLIENT_CALLBACK]})
        server = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=BASE_DIR,
        )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                if requests.get(
                    f"{provider.issuer}/.well-known/openid-configuration", timeout=2
                ).ok:
                    break
            except requests.ConnectionError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("The test OpenID Connect provider did not start.")
            time.sleep(0.2)
        yield provider
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        server_statement(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def surfconext_settings(provider: RunningProvider, client: dict = PLATFORM_CLIENT) -> dict:
    """SOCIALACCOUNT_PROVIDERS as the environment would make it, for this provider and client."""
    from learningcommunities.settings.base import surfconext_app

    app = surfconext_app(
        issuer=provider.issuer, client_id=client["client_id"], secret=client["client_secret"]
    )
    return {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [app]}}


@pytest.fixture
def surfconext(settings, oidc_provider):
    """SURFconext configured with the test provider's well-behaved client."""
    settings.SOCIALACCOUNT_PROVIDERS = surfconext_settings(oidc_provider)
    return oidc_provider
