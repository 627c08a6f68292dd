"""One form of address (issue 12, item 14): the site says "je", so the account pages, the MFA
pages and allauth's emails must not say "u"/"uw" (allauth's and Django's own Dutch do), nor
"Bevestigings e-mail"; and the admin shows no English where Django's Dutch lacks strings.
The Dutch that fixes this lives in locale_overrides/ (see its README)."""

import html
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import PASSWORD, UserFactory
from tests.mfa_helpers import SESSION_METHODS_KEY, SESSION_METHODS_USER_KEY, give_totp

pytestmark = pytest.mark.django_db

OVERRIDES = Path(__file__).resolve().parent.parent.parent / "locale_overrides"
CATALOGUE = OVERRIDES / "nl" / "LC_MESSAGES" / "django.po"

# "u", "uw" as whole words; also catches "a.u.b." ("aan u beleefd"), which is formal too, as
# is "alstublieft" (the site says "alsjeblieft", or nothing).
FORMAL = re.compile(r"\b(u|uw|Uw|U|alstublieft|Alstublieft)\b")
BROKEN_COMPOUND = re.compile(r"(?i)\b(bevestigings|verificatie|reset) e-?mail")


def visible_text(markup: str) -> str:
    """The text a person reads in <main>: no tags, scripts, styles or attribute values."""
    main = re.search(r"<main\b[^>]*>(.*)</main>", markup, re.S)
    assert main, "the page has no <main>"
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", main.group(1), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


def assert_speaks_with_je(text: str, where: str) -> None:
    assert text.strip(), f"{where}: no text"
    text = re.sub(r"https?://\S+", " ", text)  # links in emails: "/key/u-…" is no "u"
    formal = [m.group(0) for m in FORMAL.finditer(text)]
    assert not formal, f"{where} says {formal!r}: {text}"
    broken = BROKEN_COMPOUND.search(text)
    assert not broken, f"{where} says {broken.group(0)!r}: {text}"


def page_text(response, where: str) -> str:
    assert response.status_code == 200, (where, response.status_code, response.get("Location"))
    assert response["Content-Language"] == "nl", where
    return visible_text(response.content.decode())


def sign_in_with_password(client, user) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def confirmation_path(message) -> str:
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", message.body).group(0)
    return link.split("testserver", 1)[-1]


def test_sign_in_sign_up_and_password_reset_pages_say_je(client, mailoutbox):
    for name in ["account_login", "account_signup", "account_reset_password"]:
        assert_speaks_with_je(page_text(client.get(reverse(name)), name), name)

    # The errors a person meets when signing up: passwords that differ, and one too short.
    signup = reverse("account_signup")
    mismatched = client.post(
        signup,
        {
            "email": "anne@bakkerij.nl",
            "full_name": "Anne de Vries",
            "password1": "een-lang-wachtwoord-2026",
            "password2": "een-ander-wachtwoord-2026",
        },
    )
    assert mismatched.context["form"].errors
    assert_speaks_with_je(page_text(mismatched, "sign-up, mismatched"), "sign-up, mismatched")
    too_short = client.post(
        signup,
        {
            "email": "anne@bakkerij.nl",
            "full_name": "Anne de Vries",
            "password1": "kort",
            "password2": "kort",
        },
    )
    text = page_text(too_short, "sign-up, too short")
    assert "te kort" in text
    assert "This password is too short" not in text
    assert_speaks_with_je(text, "sign-up, too short")

    # Password reset: the page after asking, and the email.
    user = UserFactory()
    done = client.post(reverse("account_reset_password"), {"email": user.email}, follow=True)
    assert_speaks_with_je(page_text(done, "password reset done"), "password reset done")
    assert len(mailoutbox) == 1
    assert_speaks_with_je(mailoutbox[0].subject + "\n" + mailoutbox[0].body, "reset email")


def test_the_sign_up_confirmation_its_email_and_the_email_page_say_je(client, mailoutbox):
    sent = client.post(
        reverse("account_signup"),
        {
            "email": "anne@bakkerij.nl",
            "full_name": "Anne de Vries",
            "password1": "een-lang-wachtwoord-2026",
            "password2": "een-lang-wachtwoord-2026",
        },
        follow=True,
    )
    text = page_text(sent, "verification sent")
    assert "Bevestigingsmail" in text  # allauth's message: "Bevestigings e-mail verzonden"
    assert_speaks_with_je(text, "verification sent")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert_speaks_with_je(message.subject + "\n" + message.body, "confirmation email")

    path = confirmation_path(message)
    assert_speaks_with_je(page_text(client.get(path), "confirm email"), "confirm email")
    assert client.post(path).status_code == 302

    email_page = client.get(reverse("account_email"))
    assert_speaks_with_je(page_text(email_page, "email addresses"), "email addresses")


def test_the_second_factor_pages_say_je(client):
    # Signing in with an authenticator app: the password, then the code.
    with_app = UserFactory()
    give_totp(with_app)
    other_browser = Client()
    response = other_browser.post(
        reverse("account_login"), {"login": with_app.email, "password": PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")
    code = other_browser.get(response.url)
    assert_speaks_with_je(page_text(code, "code at sign-in"), "code at sign-in")

    user = UserFactory()
    sign_in_with_password(client, user)
    activate = client.get(reverse("mfa_activate_totp"))
    assert_speaks_with_je(page_text(activate, "activate app"), "activate app")

    # The pages behind a recent sign-in ask for the password or, with an app, a code.
    session = client.session
    session[SESSION_METHODS_KEY] = [
        {"method": "password", "at": time.time() - 3600, "email": user.email}
    ]
    session[SESSION_METHODS_USER_KEY] = str(user.pk)
    session.save()
    asked = client.get(reverse("mfa_activate_totp"), follow=True)
    assert asked.redirect_chain
    assert_speaks_with_je(page_text(asked, "password again"), "password again")

    give_totp(user)
    code_again = client.get(reverse("mfa_reauthenticate"))
    assert_speaks_with_je(page_text(code_again, "code again"), "code again")

    RecoveryCodes.activate(user)
    sign_in_with_password(client, user)
    session = client.session
    session[SESSION_METHODS_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email},
        {"method": "mfa", "at": time.time(), "type": "totp"},
    ]
    session.save()
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert_speaks_with_je(page_text(codes, "recovery codes"), "recovery codes")


def test_the_admin_index_has_no_english_column_names(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200, response.get("Location")
    content = response.content.decode()
    assert "Model name" not in content
    assert "Add link" not in content
    assert "Modelnaam" in content
    assert "Link om toe te voegen" in content


def test_the_admin_asks_before_deleting_with_je(admin_client, admin_user):
    other = UserFactory()
    response = admin_client.get(reverse("admin:accounts_user_delete", args=[other.pk]))
    text = page_text(response, "admin delete")
    assert "Weet je zeker" in text


def test_the_admins_javascript_texts_say_je(admin_client):
    response = admin_client.get(reverse("admin:jsi18n"))
    content = response.content.decode()
    assert "Je hebt een actie gekozen" in content
    assert "U hebt" not in content and "Let op: u ligt" not in content


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("catalogue", [CATALOGUE, CATALOGUE.with_name("djangojs.po")])
def test_the_compiled_overrides_match_their_source(tmp_path, catalogue):
    compiled = tmp_path / "compiled.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(catalogue)], check=True)
    committed = catalogue.with_suffix(".mo")
    assert committed.read_bytes() == compiled.read_bytes(), (
        "compile it: see locale_overrides/README.md"
    )
