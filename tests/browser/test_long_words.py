"""Long words without spaces are valid titles and names (Dutch compounds, codes): they must
not make a page scroll sideways, at laptop or phone width. And the labels of checkboxes
break between words, never inside a word that fits ("Studentenprojec|t"); tables too wide
for the screen scroll inside their own box (issue 12, item 12)."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    LAPTOP,
    PHONE,
    assert_no_serious_axe_violations,
    elements_past_the_right_edge,
    horizontal_overflow,
    login,
    screenshot,
    words_broken_inside,
)
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 60 characters, no space: a compound a real title can hold.
LONG_WORD = "Arbeidsmarktdiscriminatiebestrijdingsmaatregelenonderzoekjes"
assert len(LONG_WORD) == 60


@pytest.fixture
def long_titles(sme, member):
    challenge = ChallengeFactory(organisation=sme, title=LONG_WORD)
    community = LearningCommunityFactory(name=f"{LONG_WORD}gemeenschap", slug="lang")
    community.organisations.add(sme)
    community.challenges.add(challenge)
    CommunityMembershipFactory(community=community, user=member)
    return {"challenge": challenge, "community": community, "member": member}


@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_pages_with_a_long_word_in_a_title_do_not_scroll_sideways(
    page: Page, live_server, long_titles, size
):
    login(page, live_server, long_titles["member"])
    page.set_viewport_size(size)
    pages = [
        reverse("portal:dashboard"),
        reverse("portal:home"),
        reverse("challenges:list"),
        long_titles["challenge"].get_absolute_url(),
        reverse("communities:list"),
        long_titles["community"].get_absolute_url(),
        long_titles["challenge"].organisation.get_absolute_url(),
        reverse("matching:for_you"),
    ]
    for url in pages:
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        assert horizontal_overflow(page) == 0, (
            f"{url} scrolls sideways at {size['width']}px: {elements_past_the_right_edge(page)}"
        )


@pytest.mark.parametrize("size", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_checkbox_labels_break_between_words_not_inside_them(
    page: Page, live_server, long_titles, size
):
    login(page, live_server, long_titles["member"])
    page.set_viewport_size(size)

    page.goto(reverse("challenges:list"))
    if page.locator("details.facet-panel").get_attribute("open") is None:  # folded on a phone
        page.locator("details.facet-panel > summary").click()
    page.evaluate("() => document.querySelectorAll('.facet-children').forEach(d => d.open = true)")
    expect(page.locator(".facet-options label").first).to_be_visible()
    assert words_broken_inside(page, ".facet-options label") == []

    page.goto(reverse("challenges:create"))
    formats = page.locator("label", has_text="Studentenproject")
    expect(formats).to_be_visible()
    assert words_broken_inside(page, "main form label") == []


def test_a_word_too_long_for_its_label_still_wraps_instead_of_widening_the_page(
    page: Page, live_server, long_titles
):
    """overflow-wrap: anywhere is the last resort, for a word wider than the whole column."""
    login(page, live_server, long_titles["member"])
    page.set_viewport_size(PHONE)
    page.goto(reverse("challenges:create"))
    page.evaluate(
        """(word) => { const label = [...document.querySelectorAll("main form label")]
            .find(l => l.textContent.includes("Studentenproject"));
            label.lastChild.textContent = " " + word; }""",
        LONG_WORD * 2,
    )

    assert horizontal_overflow(page) == 0, elements_past_the_right_edge(page)


def test_a_table_too_wide_for_a_phone_scrolls_in_its_own_keyboard_reachable_box(
    page: Page, live_server, long_titles
):
    login(page, live_server, long_titles["member"])
    page.set_viewport_size(PHONE)
    page.goto(reverse("portal:dashboard"))

    region = page.get_by_role("region", name="Uitdagingen en hun status")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region.locator("table")).to_be_visible()
    assert horizontal_overflow(page) == 0, elements_past_the_right_edge(page)
    assert_no_serious_axe_violations(page)
    screenshot(page, "my-overview-long-words")
