"""Failed sign-ins are limited per IP and per address *and* IP, and slowed per address across
IPs; nobody's wrong passwords lock the owner out (apps/accounts/login_limits.py)."""

import pytest
from django.urls import reverse

from apps.accounts import login_limits
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
ATTACKER_IP = "203.0.113.66"
OWNER_IP = "198.51.100.7"


@pytest.fixture(autouse=True)
def waits(monkeypatch):
    """The delays the sign-in made, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(login_limits, "sleep", slept.append)
    return slept


def sign_in(client, email, password, ip, url=LOGIN):
    return client.post(url, {"login": email, "password": password}, REMOTE_ADDR=ip)


def signed_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_wrong_passwords_from_elsewhere_never_lock_the_owner_out(client):
    owner = UserFactory()
    for _attempt in range(8):
        sign_in(client, owner.email, "wrong", ATTACKER_IP)

    response = sign_in(client, owner.email, PASSWORD, OWNER_IP)

    assert response.status_code == 302
    assert signed_in(client, owner)


def test_five_wrong_passwords_from_one_network_pause_that_network_with_a_429(client):
    owner = UserFactory()
    for _attempt in range(5):
        assert sign_in(client, owner.email, "wrong", ATTACKER_IP).status_code == 200

    response = sign_in(client, owner.email, PASSWORD, ATTACKER_IP)

    assert response.status_code == 429
    assert int(response["Retry-After"]) == 300
    assert not signed_in(client, owner)
    text = response.content.decode()
    # In Dutch, in the site's layout, saying what to do.
    assert "Te veel inlogpogingen" in text
    assert "Wachtwoord vergeten?" in text
    assert 'class="site-header utrecht-page-header"' in text


def test_the_429_page_is_english_on_the_english_site(client):
    owner = UserFactory()
    for _attempt in range(5):
        sign_in(client, owner.email, "wrong", ATTACKER_IP, url="/en" + LOGIN)

    response = sign_in(client, owner.email, PASSWORD, ATTACKER_IP, url="/en" + LOGIN)

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()


def test_one_network_guessing_many_addresses_is_stopped_per_ip(client):
    people = UserFactory.create_batch(11)
    for person in people[:10]:
        sign_in(client, person.email, "wrong", ATTACKER_IP)

    assert sign_in(client, people[10].email, "wrong", ATTACKER_IP).status_code == 429
    # Another network is not affected.
    assert sign_in(client, people[10].email, PASSWORD, OWNER_IP).status_code == 302


def test_guessing_one_address_from_many_networks_is_slowed_down_progressively(client, waits):
    owner = UserFactory()
    for number in range(8):
        response = sign_in(client, owner.email, "wrong", f"192.0.2.{number + 1}")
        assert response.status_code == 200

    # Three failures are free (typing mistakes); then 1, 2, 4 and at most 5 seconds.
    assert waits == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_the_owner_waits_like_everyone_but_is_let_in_from_a_new_network(client, waits):
    owner = UserFactory()
    for number in range(6):
        sign_in(client, owner.email, "wrong", f"192.0.2.{number + 1}")
    waits.clear()

    response = sign_in(client, owner.email, PASSWORD, OWNER_IP)

    # The correct password waits too (a quick answer would give a guess away), and gets in.
    assert waits == [login_limits.MAX_DELAY_SECONDS]
    assert response.status_code == 302
    assert signed_in(client, owner)


def test_a_few_typing_mistakes_cost_the_owner_no_wait(client, waits):
    owner = UserFactory()
    sign_in(client, owner.email, "wrong", OWNER_IP)
    sign_in(client, owner.email, "Wrong", OWNER_IP)

    assert sign_in(client, owner.email, PASSWORD, OWNER_IP).status_code == 302
    assert waits == []


def test_addresses_count_whatever_their_case(client):
    owner = UserFactory()
    for attempt in range(5):
        sign_in(client, owner.email.upper() if attempt % 2 else owner.email, "wrong", ATTACKER_IP)

    assert sign_in(client, owner.email.upper(), PASSWORD, ATTACKER_IP).status_code == 429
