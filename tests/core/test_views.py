import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from apps.challenges.models import ChallengeStatus
from tests.accounts.factories import PASSWORD, UserFactory
from tests.challenges.factories import ChallengeFactory

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")
FOCUSABLE = {"a", "button", "input", "select", "textarea"}
# The skip link is the NL Design System's, shown when it has focus (issue 12, item 18).
SKIP_LINK_CLASS = "skip-link utrecht-skip-link utrecht-skip-link--visible-on-focus"


class Outline(HTMLParser):
    """The parts of a page an assistive technology relies on."""

    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.first_focusable = None
        self.landmarks = []
        self.ids = set()
        self.h1_count = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag in {"header", "nav", "main", "footer"}:
            self.landmarks.append((tag, attrs))
        if tag == "h1":
            self.h1_count += 1
        is_focusable = tag in FOCUSABLE and attrs.get("type") != "hidden"
        if is_focusable and self.first_focusable is None:
            self.first_focusable = (tag, attrs)


def outline(response) -> Outline:
    parser = Outline()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize(
    "url",
    [
        reverse("portal:home"),
        reverse("challenges:list"),
        reverse("organisations:list"),
        reverse("hubs:list"),
        reverse("hubs:detail", kwargs={"slug": "zuid-holland"}),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
    ],
)
def test_every_page_has_skip_link_first_landmarks_and_one_h1(client, url):
    response = client.get(url)

    assert response.status_code == 200
    page = outline(response)
    assert page.first_focusable == ("a", {"class": SKIP_LINK_CLASS, "href": "#main"})
    tags = [tag for tag, _ in page.landmarks]
    assert {"header", "nav", "main", "footer"} <= set(tags)
    assert ("main", {"id": "main", "tabindex": "-1"}) in page.landmarks
    assert page.h1_count == 1
    assert 'role="status"' in response.text  # the messages area
    assert "/static/css/site.css" in response.text


def test_dutch_is_the_default_and_english_lives_under_en(client):
    dutch = client.get(HOME)
    assert outline(dutch).html_lang == "nl"

    english = client.get("/en/challenges/")
    assert english.status_code == 200
    assert outline(english).html_lang == "en"
    assert "<h1>Challenges</h1>" in english.text
    assert "Skip to content" in english.text


def test_language_switch_posts_to_set_language_and_keeps_the_page(client):
    page = client.get("/challenges/?topic=ml").text
    form = re.search(r'<form[^>]*action="/i18n/setlang/"[^>]*>(.*?)</form>', page, re.S)
    assert form, "the language switch is a plain POST form"
    assert 'name="next" value="/challenges/?topic=ml"' in form.group(1)
    assert re.search(r'<button type="submit" name="language" value="en"', form.group(1))

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/challenges/?topic=ml"})

    assert response.status_code == 302
    assert response["Location"] == "/en/challenges/?topic=ml"
    assert client.cookies["django_language"].value == "en"

    english_page = client.get("/en/challenges/?topic=ml").text
    assert 'name="next" value="/challenges/?topic=ml"' in english_page
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/challenges/?topic=ml"})
    assert response["Location"] == "/challenges/?topic=ml"
    assert client.cookies["django_language"].value == "nl"


def test_navigation_marks_the_current_section(client, sme):
    challenge = ChallengeFactory(organisation=sme)

    listing = client.get(reverse("challenges:list")).text
    assert re.search(r'href="/challenges/" aria-current="page"', listing)
    assert not re.search(r'href="/" aria-current', listing)

    detail = client.get(challenge.get_absolute_url()).text
    assert re.search(r'href="/challenges/" aria-current="true"', detail)


def test_anonymous_header_offers_log_in_and_sign_up(client):
    text = client.get(HOME).text
    assert f'href="{reverse("account_login")}"' in text
    assert f'href="{reverse("account_signup")}"' in text
    assert 'href="/admin/"' not in text


def test_signed_in_header_shows_name_and_a_logout_form_and_admin_for_staff(client):
    person = UserFactory(full_name="Joris Jansen")
    client.force_login(person)
    text = client.get(HOME).text
    assert "Joris" in text
    assert re.search(rf'<form[^>]*method="post" action="{reverse("account_logout")}"', text)
    assert 'href="/admin/"' not in text

    client.force_login(UserFactory(is_staff=True))
    assert 'href="/admin/"' in client.get(HOME).text


def test_login_page_is_in_the_site_layout_with_labelled_fields(client):
    response = client.get(reverse("account_login"))
    text = response.text
    assert '<label for="id_login"' in text
    assert '<label for="id_password"' in text
    assert 'class="site-header utrecht-page-header"' in text


def test_failed_login_reports_the_error_as_an_alert(client):
    UserFactory(email="fout@example.nl")
    response = client.post(
        reverse("account_login"), {"login": "fout@example.nl", "password": "niet-goed"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.text


def test_signup_errors_are_tied_to_their_fields(client):
    response = client.post(reverse("account_signup"), {"email": "geen-adres"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert re.search(r'aria-describedby="[^"]*id_email_error', response.text)
    assert 'id="id_email_error"' in response.text


def test_account_management_pages_share_the_site_layout_and_an_account_menu(client):
    client.force_login(UserFactory())
    for name in ("account_email", "account_change_password", "mfa_index"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        page = outline(response)
        assert page.first_focusable[1].get("class") == SKIP_LINK_CLASS
        assert page.h1_count == 1, name
        assert re.search(rf'href="{reverse(name)}" aria-current="page"', response.text), name


def test_account_pages_after_signing_up_and_logging_out_use_the_site_layout(client, mailoutbox):
    person = UserFactory()
    client.force_login(person)
    logout_page = client.get(reverse("account_logout"))
    assert logout_page.status_code == 200
    assert f'class="{SKIP_LINK_CLASS}"' in logout_page.text

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session

    response = client.post(
        reverse("account_signup"),
        {
            "email": "nieuw@example.nl",
            "full_name": "Nieuwe Deelnemer",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )
    assert response.status_code == 200
    assert f'class="{SKIP_LINK_CLASS}"' in response.text  # the "verify your email" page
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", mailoutbox[0].body).group(1)
    confirm = client.get(reverse("account_confirm_email", kwargs={"key": key}))
    assert confirm.status_code == 200
    assert f'class="{SKIP_LINK_CLASS}"' in confirm.text


def test_not_found_page_is_in_the_site_layout_and_same_for_hidden_and_missing(client, sme):
    hidden = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)

    missing = client.get(reverse("challenges:detail", kwargs={"pk": hidden.pk + 1000}))
    concealed = client.get(hidden.get_absolute_url())

    for response in (missing, concealed):
        assert response.status_code == 404
        assert outline(response).first_focusable[1].get("class") == SKIP_LINK_CLASS
    main = re.compile(r"<main.*</main>", re.S)
    assert main.search(missing.text).group(0) == main.search(concealed.text).group(0)
