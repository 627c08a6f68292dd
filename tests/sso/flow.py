"""Signing in through the test provider with Django's test client on our side and `requests`
on the provider's: each redirect is followed on the server it points to."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import requests

SIGN_IN_PATH = "/accounts/oidc/surfconext/login/"
OUR_ORIGIN = "http://testserver"


def start_sign_in(client, path: str = SIGN_IN_PATH) -> str:
    """Presses the SURFconext button: the provider's authorization URL it redirects to."""
    response = client.post(path)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def sign_in_at_provider(authorize_url: str, person: dict) -> str:
    """At the provider: signs `person` in and returns the URL it sends the browser back to."""
    browser = requests.Session()
    url = authorize_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and 'name="password"' in response.text:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)[1]
            next_url = re.search(r'name="next" value="([^"]*)"', response.text)[1]
            response = browser.post(
                url,
                data={
                    "csrfmiddlewaretoken": token,
                    "username": person["username"],
                    "password": person["password"],
                    "next": next_url.replace("&amp;", "&"),
                },
                headers={"Referer": url},
                allow_redirects=False,
                timeout=10,
            )
        assert response.status_code == 302, response.text[:1000]
        url = urljoin(url, response.headers["Location"])
        if url.startswith(OUR_ORIGIN):
            return url
    raise AssertionError("The provider never sent the browser back.")


def callback(client, url: str):
    """Back at the platform: the callback, as the browser would request it."""
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, person: dict, path: str = SIGN_IN_PATH):
    """The whole round: the platform's response to the callback."""
    return callback(client, sign_in_at_provider(start_sign_in(client, path), person))
