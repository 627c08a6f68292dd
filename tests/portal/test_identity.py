"""The programme's face on every page: a wordmark with an accessible name, favicons, a footer
that says whose site this is and links to contact, privacy and the accessibility statement,
and social preview metadata a shared link shows (issue 12, items 17 and 19)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import LearningCommunityFactory

pytestmark = pytest.mark.django_db


class _Meta(HTMLParser):
    """The <meta property/name=...> and <link rel=...> tags of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, list[dict]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (key := attrs.get("property") or attrs.get("name")):
            self.meta[key] = attrs.get("content", "")
        if tag == "link":
            for rel in (attrs.get("rel") or "").split():
                self.links.setdefault(rel, []).append(attrs)


def head_of(response) -> _Meta:
    parser = _Meta()
    parser.feed(response.content.decode())
    return parser


def test_header_shows_the_logo_beside_the_programme_name(client):
    page = client.get(reverse("portal:home")).content.decode()

    link = re.search(r'<a class="site-name" href="/">(.*?)</a>', page, re.S)
    assert link, "the programme's name links home"
    # The mark is decoration beside the name: the link's accessible name is the name itself.
    assert re.search(r'<img[^>]+src="/static/img/logo\.svg"[^>]+alt=""', link.group(1))
    assert re.sub(r"<[^>]+>|\s+", "", link.group(1)) == "AI-leergemeenschappen"
    logo = Path(finders.find("img/logo.svg")).read_text(encoding="utf-8")
    assert re.search(r"<title[^>]*>AI Learning Communities</title>", logo)  # named on its own


def test_every_page_offers_favicons_and_an_apple_touch_icon(client):
    head = head_of(client.get(reverse("portal:home")))

    icons = {link["href"].rsplit("/", 1)[-1] for link in head.links["icon"]}
    assert {"favicon.svg", "favicon-32.png"} <= icons
    assert head.links["apple-touch-icon"][0]["href"].endswith("apple-touch-icon.png")
    for name in ["favicon.svg", "favicon-32.png", "apple-touch-icon.png", "favicon.ico"]:
        assert finders.find(f"img/{name}"), name


def test_footer_links_contact_privacy_and_accessibility_and_names_the_hubs(client):
    page = client.get(reverse("portal:home")).content.decode()
    footer = page[page.index('<footer class="site-footer') :]

    assert "Een initiatief van de regionale AI-hubs" in footer
    assert f'href="{reverse("accounts:privacy")}"' in footer
    assert f'href="{reverse("portal:accessibility")}"' in footer
    assert f'href="{reverse("hubs:list")}"' in footer  # contact: the hub of your region
    assert "Contact" in footer


def test_social_preview_metadata_describes_the_site_by_default(client):
    head = head_of(client.get(reverse("portal:home"))).meta

    assert head["og:title"] == "AI-leergemeenschappen"
    assert head["og:type"] == "website"
    assert head["og:site_name"] == "AI-leergemeenschappen"
    assert head["og:locale"] == "nl_NL"
    assert head["og:locale:alternate"] == "en_GB"
    assert head["og:url"] == settings.SITE_URL + "/"
    assert head["og:description"] == head["description"]
    assert head["og:image"].startswith(settings.SITE_URL + "/static/")
    assert head["og:image"].endswith(".png")
    assert head["og:image:alt"]
    assert head["twitter:card"] == "summary_large_image"
    assert finders.find("img/social-preview.png")


def test_social_preview_in_english_says_so(client):
    head = head_of(client.get("/en/")).meta

    assert head["og:locale"] == "en_GB"
    assert head["og:locale:alternate"] == "nl_NL"
    assert head["og:url"] == settings.SITE_URL + "/en/"


def test_a_challenge_is_shared_with_its_own_title_and_summary(client):
    challenge = ChallengeFactory(
        title="Minder brood weggooien", description="Elke avond gooien we brood weg."
    )

    head = head_of(client.get(challenge.get_absolute_url())).meta

    assert head["og:title"] == "Minder brood weggooien"
    assert head["og:description"] == "Elke avond gooien we brood weg."
    assert head["og:type"] == "article"
    assert head["og:url"] == settings.SITE_URL + challenge.get_absolute_url()


def test_a_community_is_shared_with_its_own_name_and_goal(client):
    community = LearningCommunityFactory(
        name="Leergemeenschap Voedselverspilling", goal="Samen minder verspillen."
    )

    head = head_of(client.get(community.get_absolute_url())).meta

    assert head["og:title"] == "Leergemeenschap Voedselverspilling"
    assert head["og:description"] == "Samen minder verspillen."


def test_accessibility_statement_follows_the_dutch_model(client):
    response = client.get(reverse("portal:accessibility"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Toegankelijkheidsverklaring</h1>" in page
    for part in [
        "voldoet gedeeltelijk",
        "WCAG 2.1",
        "EN 301 549",
        "axe",
        "Lighthouse",
        "handmatige",  # a manual audit by an expert is still needed
        "beheeromgeving",  # Django's own admin forms
        "kaart",  # the map on insights
        "Documenten die leden uploaden",
    ]:
        assert part in page, part
    assert "Nationale ombudsman" in page  # the complaint route
    assert f'href="{reverse("hubs:list")}"' in page


def test_accessibility_statement_in_english(client):
    page = client.get("/en" + reverse("portal:accessibility")).content.decode()

    assert "<h1>Accessibility statement</h1>" in page
    assert "partially compliant" in page
