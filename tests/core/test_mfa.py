"""Staff and coordinators reach the admin only with a second factor (allauth MFA: an
authenticator app, recovery codes as the fallback); members never notice the rule.

The flow tests go through allauth's real pages with the test client: password, then the code
an authenticator app would show, computed here from the secret the way the app does."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from apps.accounts.middleware import (
    CONFIRM_MESSAGE,
    SET_UP_MESSAGE,
    completed_second_factor,
    needs_second_factor,
)
from apps.hubs.services import hub_coordinator_add, programme_coordinator_set
from tests.accounts.factories import PASSWORD, UserFactory
from tests.hubs.factories import hub, make_coordinator
from tests.mfa_helpers import give_totp, login_with_second_factor

pytestmark = pytest.mark.django_db

ADMIN_INDEX = "/admin/"
CHALLENGES = "/admin/challenges/challenge/"


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def current_code(secret: str) -> str:
    """What the authenticator app shows right now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def hub_coordinator():
    user = UserFactory()
    hub_coordinator_add(hub=hub("zuid-holland"), user=user)
    return user


# --- Who the rule applies to ---------------------------------------------------------------


def test_staff_superusers_and_coordinators_need_a_second_factor(hub_coordinator):
    programme = programme_coordinator_set(user=UserFactory(), enabled=True)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    for person in (UserFactory(is_staff=True), superuser, hub_coordinator, programme):
        assert needs_second_factor(person), person


def test_a_hub_coordinator_without_staff_status_still_needs_one():
    person = make_coordinator(UserFactory(), "zuid-holland")
    assert not person.is_staff
    assert needs_second_factor(person)


def test_members_do_not_need_one(member, outsider):
    assert not needs_second_factor(member)
    assert not needs_second_factor(outsider)


# --- Enforcement on the admin --------------------------------------------------------------


@pytest.mark.parametrize("path", [ADMIN_INDEX, CHALLENGES, "/en/admin/"])
def test_staff_without_an_authenticator_app_is_sent_to_set_one_up(client, staff, path):
    client.force_login(staff)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert not response.content  # nothing of the admin page is served
    assert shown_messages(response) == [str(SET_UP_MESSAGE)]


def test_coordinators_without_an_authenticator_app_are_sent_to_set_one_up(client, hub_coordinator):
    programme = programme_coordinator_set(user=UserFactory(), enabled=True)
    for person in (hub_coordinator, programme):
        client.force_login(person)
        response = client.get(CHALLENGES)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")


def test_an_action_posted_without_a_second_factor_changes_nothing(client, hub_coordinator, sme):
    from tests.challenges.factories import ChallengeFactory

    challenge = ChallengeFactory(organisation=sme, status="submitted")
    give_totp(hub_coordinator)
    client.force_login(hub_coordinator)
    response = client.post(
        CHALLENGES, {"action": "publish_selected", "_selected_action": [challenge.pk]}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    challenge.refresh_from_db()
    assert challenge.status == "submitted"


def test_staff_with_an_app_but_no_code_in_this_login_is_asked_for_one(client, staff):
    give_totp(staff)
    client.force_login(staff)
    response = client.get(CHALLENGES + "?status__exact=submitted")
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("mfa_reauthenticate") + "?next=%2Fadmin%2Fchallenges%2Fchallenge%2F"
        "%3Fstatus__exact%3Dsubmitted"
    )
    assert shown_messages(response) == [str(CONFIRM_MESSAGE)]


def test_a_password_only_record_is_not_a_second_factor(client, staff):
    give_totp(staff)
    client.force_login(staff)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": time.time()}]
    session["account_authentication_methods_user"] = str(staff.pk)
    session.save()
    assert client.get(ADMIN_INDEX).status_code == 302


def test_a_second_factor_recorded_for_someone_else_does_not_count(client, staff):
    """The records name the user they belong to; another person's do not open the admin."""
    other = UserFactory(is_staff=True)
    login_with_second_factor(client, other)
    give_totp(staff)
    client.force_login(staff)
    session = client.session
    assert session.get("account_authentication_methods_user") != str(staff.pk)
    assert client.get(ADMIN_INDEX).status_code == 302


def test_staff_signed_in_with_a_second_factor_reaches_the_admin(client, staff):
    login_with_second_factor(client, staff)
    response = client.get(ADMIN_INDEX)
    assert response.status_code == 200
    assert completed_second_factor(response.wsgi_request, staff)


def test_logging_out_of_the_admin_needs_no_second_factor(client, staff):
    client.force_login(staff)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivating_the_app_closes_the_admin_again(client, staff):
    login_with_second_factor(client, staff)
    Authenticator.objects.filter(user=staff).delete()
    response = client.get(ADMIN_INDEX)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


# --- Members are not affected -------------------------------------------------------------


def test_a_member_browses_the_site_without_a_second_factor(client, member):
    client.force_login(member)
    for path in (reverse("portal:home"), reverse("portal:dashboard"), reverse("challenges:list")):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not shown_messages(response)


def test_a_member_at_the_admin_gets_the_usual_refusal_not_the_setup(client, member):
    client.force_login(member)
    response = client.get(ADMIN_INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_browse_the_public_site_without_a_second_factor(client, staff):
    client.force_login(staff)
    assert client.get(reverse("challenges:list")).status_code == 200


# --- The real flows through allauth's pages --------------------------------------------------


def log_in_with_password(client, user, next_path=ADMIN_INDEX):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD, "next": next_path}
    )


def test_login_with_password_and_app_code_reaches_the_admin(client, staff):
    _authenticator, secret = give_totp(staff)

    response = client.get(ADMIN_INDEX)
    assert response.status_code == 302  # to the admin's login, which is allauth's
    response = log_in_with_password(client, staff)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(ADMIN_INDEX).status_code == 302  # not signed in until the code

    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == ADMIN_INDEX

    response = client.get(ADMIN_INDEX)
    assert response.status_code == 200
    assert response.context["user"] == staff
    # What allauth recorded, read through its public module the way the middleware reads it:
    # an upgrade that changes the records' shape fails here, not silently in production.
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(response.wsgi_request, staff)
    assert [record["method"] for record in records] == ["password", "mfa"]
    assert completed_second_factor(response.wsgi_request, staff)


def test_a_wrong_code_keeps_the_admin_closed(client, staff):
    _authenticator, secret = give_totp(staff)
    log_in_with_password(client, staff)
    wrong = f"{(int(current_code(secret)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert client.get(ADMIN_INDEX).status_code == 302


def test_login_with_a_recovery_code_reaches_the_admin(client, staff):
    give_totp(staff)
    recovery = RecoveryCodes.activate(staff)
    code = recovery.get_unused_codes()[0]

    log_in_with_password(client, staff)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(ADMIN_INDEX).status_code == 200

    # A recovery code works once.
    client.logout()
    log_in_with_password(client, staff)
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 200
    assert client.get(ADMIN_INDEX).status_code == 302


@pytest.mark.django_db(transaction=True)  # allauth sends `authenticator_added` on commit
def test_first_admin_visit_sets_up_the_app_shows_recovery_codes_then_opens(client, staff):
    """A new staff member: password login, sent to set up the app (the password just typed
    counts, so it is not asked again), shown recovery codes, then in: the app's first code
    was this login's second factor (issue 12, item 8: one sign-in plus one code)."""
    log_in_with_password(client, staff)
    response = client.get(ADMIN_INDEX, follow=True)
    assert response.redirect_chain == [(reverse("mfa_activate_totp"), 302)]
    assert str(SET_UP_MESSAGE) in response.content.decode()
    secret = response.context["form"].secret
    assert secret in response.content.decode()  # typed by hand when the QR code cannot be scanned

    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    assert codes_page.status_code == 200
    codes = codes_page.context["unused_codes"]
    assert len(codes) == 10
    body = codes_page.content.decode()
    assert all(code in body for code in codes)
    continue_link = f'href="{reverse("admin:index")}" data-purpose="continue-to-admin"'
    assert continue_link in body

    assert client.get(ADMIN_INDEX).status_code == 200


def test_the_setup_page_explains_itself_in_english_too(client, staff):
    login_url = "/en" + reverse("account_login")
    client.post(login_url, {"login": staff.email, "password": PASSWORD})
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(staff.pk)
    session.save()
    response = client.get("/en/admin/", follow=True)
    assert response.request["PATH_INFO"] == "/en/accounts/2fa/totp/activate/"
    body = response.content.decode()
    assert "second factor" in body
    assert re.search(r"<h1[^>]*>", body)


def test_the_qr_code_is_described_and_its_secret_written_out(client, staff):
    client.force_login(staff)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(staff.pk)
    session.save()
    page = client.get("/en" + reverse("mfa_activate_totp"))
    body = page.content.decode()
    secret = page.context["form"].secret
    assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+"\s+alt="QR code', body)
    assert f'alt="{secret}"' not in body
    assert re.search(rf'<input[^>]*id="authenticator_secret"[^>]*value="{secret}"', body)


def test_reauthentication_elsewhere_still_offers_the_password(client, staff):
    give_totp(staff)
    client.force_login(staff)
    page = client.get(reverse("mfa_reauthenticate") + "?next=" + reverse("portal:dashboard"))
    assert page.status_code == 200
    assert reverse("account_reauthenticate") in page.content.decode()
