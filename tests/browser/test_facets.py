"""The challenge directory's facets in the browser: htmx swaps the results in place, keeps
the filters in the URL (back restores the previous list), leaves focus on the control the
reader used, announces the new count in the live region and moves focus to the results when
a page link is gone after the swap (see apps/core/listing.py and static/js/facets.js).

Driven through the English site (`/en/challenges/`), so the count text is stable. No sleeps:
Playwright's `expect` waits for the swap. `window.__facetMarker`, set before an action, is
still there afterwards only when the page was not loaded again.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_no_serious_axe_violations, focused, tab_to
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIST_URL = "/en/challenges/"
BIKES = "Fietsen repareren: herken schade met een camera"


@pytest.fixture
def challenges():
    """Five published challenges in four provinces, on different topics."""
    rows = [
        (BIKES, "NL-ZH", ["visual-inspection"], "Onze fietsenmakers zien schade te laat."),
        (
            "Brood voorspellen per winkel en per dag",
            "NL-ZH",
            ["predictive-analytics"],
            "Elke avond gooien we brood weg.",
        ),
        (
            "Klantmails automatisch sorteren",
            "NL-GR",
            ["nlp"],
            "De mailbox van de klantenservice loopt vol.",
        ),
        (
            "Storingen in koelcellen vroeg opsporen",
            "NL-UT",
            ["anomaly-detection"],
            "Een kapotte koelcel kost ons een hele voorraad.",
        ),
        (
            "Teeltplanning voor de kas",
            "NL-NB",
            ["time-series"],
            "We willen weten wanneer we moeten oogsten.",
        ),
    ]
    return [
        ChallengeFactory(
            title=title, province_code=province, topics=topics, description=description
        )
        for title, province, topics, description in rows
    ]


def cards(page: Page):
    return page.locator("#result-list .card")


def count_text(page: Page) -> str:
    return " ".join(page.locator("#result-count").inner_text().split())


def wait_until_settled(page: Page) -> None:
    """Wait until htmx has settled the last swap (it removes its `htmx-settling` class then).
    Links in swapped-in results are boosted only at settle, about 20 ms after the swap: a link
    used before that is followed as a plain link, with a full page load."""
    expect(page.locator("#result-list")).not_to_have_class(re.compile(r"\bhtmx-settling\b"))


def mark_document(page: Page) -> None:
    page.evaluate("() => { window.__facetMarker = 1; }")


def same_document(page: Page) -> bool:
    return page.evaluate("() => window.__facetMarker === 1")


def is_option(name: str, value: str):
    return lambda element: element.get("name") == name and element.get("value") == value


def test_ticking_a_province_with_the_keyboard_swaps_the_results_in_place(page: Page, challenges):
    page.goto(LIST_URL)
    expect(cards(page)).to_have_count(5)
    expect(page.locator("#result-count")).to_contain_text("5 challenges")
    count_before = count_text(page)
    mark_document(page)

    tab_to(page, is_option("province", "NL-ZH"))
    page.keyboard.press("Space")

    province = page.locator("input[name=province][value='NL-ZH']")
    expect(page).to_have_url(re.compile(r"[?&]province=NL-ZH(&|$)"))
    expect(cards(page)).to_have_count(2)
    expect(page.locator("#result-count")).to_contain_text("2 challenges")
    assert count_text(page) != count_before
    expect(page.locator("#result-count")).to_have_attribute("aria-live", "polite")
    expect(province).to_be_checked()
    expect(province).to_be_focused()
    assert focused(page)["visibleFocus"]
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")
    assert same_document(page), "ticking a facet loaded the whole page again"
    for card in cards(page).all():
        expect(card.locator(".meta")).to_contain_text("South Holland")
    assert_no_serious_axe_violations(page)

    page.go_back()

    expect(page).to_have_url(re.compile(r"/en/challenges/$"))
    expect(cards(page)).to_have_count(5)
    expect(page.locator("#result-count")).to_contain_text("5 challenges")
    expect(page.locator("input[name=province][value='NL-ZH']")).not_to_be_checked()


def test_a_second_province_widens_the_list_and_a_topic_narrows_it(page: Page, challenges):
    page.goto(LIST_URL + "?province=NL-ZH")
    expect(cards(page)).to_have_count(2)
    mark_document(page)

    page.locator("input[name=province][value='NL-GR']").check()

    expect(cards(page)).to_have_count(3)
    expect(page).to_have_url(re.compile(r"province=NL-GR"))
    expect(page).to_have_url(re.compile(r"province=NL-ZH"))

    # A ticked leaf sits in a closed group: open it, as a reader would.
    page.locator("details.facet-children summary", has_text="Computer vision").click()
    page.locator("input[name=topic][value='visual-inspection']").check()

    expect(cards(page)).to_have_count(1)
    expect(cards(page).first).to_contain_text(BIKES)
    expect(page.locator("#result-count")).to_contain_text("1 challenge")
    assert same_document(page)


def test_typing_a_dutch_word_narrows_the_list_by_its_stem(page: Page, challenges):
    page.goto(LIST_URL)
    expect(cards(page)).to_have_count(5)
    mark_document(page)

    search = page.locator("#id_q")
    search.focus()
    page.keyboard.type("fiets")

    # "fiets" finds "Fietsen" and "fietsenmakers" (Dutch stemming plus prefix matching).
    expect(page).to_have_url(re.compile(r"[?&]q=fiets(&|$)"))
    expect(cards(page)).to_have_count(1)
    expect(cards(page).first).to_contain_text(BIKES)
    expect(page.locator("#result-count")).to_contain_text("1 challenge")
    expect(search).to_be_focused()
    expect(search).to_have_value("fiets")
    assert same_document(page)

    search.fill("brood")

    expect(page).to_have_url(re.compile(r"[?&]q=brood(&|$)"))
    expect(cards(page)).to_have_count(1)
    expect(cards(page).first).to_contain_text("Brood voorspellen")


def test_changing_the_sort_keeps_the_filters(page: Page, challenges):
    page.goto(LIST_URL)
    mark_document(page)
    page.locator("input[name=province][value='NL-ZH']").check()
    expect(cards(page)).to_have_count(2)
    page.locator("input[name=province][value='NL-GR']").check()
    expect(cards(page)).to_have_count(3)
    wait_until_settled(page)

    sort_by_title = page.locator("#sort-title")
    sort_by_title.focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]sort=title(&|$)"))
    expect(page.locator("#sort-title")).to_have_attribute("aria-current", "true")
    assert "province=NL-ZH" in page.url and "province=NL-GR" in page.url
    titles = [title.strip() for title in cards(page).locator("h3").all_inner_texts()]
    assert titles == sorted(titles) and len(titles) == 3
    expect(page.locator("input[name=province][value='NL-ZH']")).to_be_checked()
    # The sort links are swapped with the results; htmx gives focus back to the new link
    # with the same id, so the reader stays on the sort control just used.
    expect(page.locator("#sort-title")).to_be_focused()

    # The chosen sort stays when a filter changes afterwards.
    page.locator("input[name=province][value='NL-GR']").uncheck()

    expect(cards(page)).to_have_count(2)
    expect(page).to_have_url(re.compile(r"[?&]sort=title(&|$)"))
    assert "province=NL-ZH" in page.url and "province=NL-GR" not in page.url
    expect(page.locator("#sort-title")).to_have_attribute("aria-current", "true")
    assert same_document(page)


def test_a_page_link_swaps_the_results_and_moves_focus_to_them(page: Page):
    bakery = OrganisationFactory(name="Bakkerij De Korenbloem", province_code="NL-ZH")
    for number in range(23):
        ChallengeFactory(organisation=bakery, title=f"Vraag {number:02d} van de bakkerij")
    ChallengeFactory(title="Een vraag uit Groningen", province_code="NL-GR")

    page.goto(LIST_URL + "?province=NL-ZH&sort=title")
    expect(cards(page)).to_have_count(20)
    expect(page.locator("#result-count")).to_contain_text("23 challenges, page 1 of 2")
    mark_document(page)

    next_page = page.locator("nav.pagination a[rel=next]")
    next_page.focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
    expect(cards(page)).to_have_count(3)
    expect(page.locator("#result-count")).to_contain_text("23 challenges, page 2 of 2")
    expect(page.locator("#results")).to_be_focused()
    assert "province=NL-ZH" in page.url and "sort=title" in page.url
    expect(cards(page).first).to_contain_text("Vraag 20 van de bakkerij")
    assert same_document(page), "the page link loaded the whole page again"
    assert_no_serious_axe_violations(page)

    page.go_back()

    expect(page).not_to_have_url(re.compile(r"page=2"))
    expect(cards(page)).to_have_count(20)
    expect(page.locator("#result-count")).to_contain_text("page 1 of 2")


def test_on_a_phone_the_facets_fold_until_one_is_set(page: Page, live_server, challenges):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{LIST_URL}")
    panel = page.locator("details.facet-panel")
    expect(panel).not_to_have_attribute("open", re.compile(".*"))
    # Folded, the first result is about one screen down instead of four.
    first_card_top = page.evaluate(
        "() => document.querySelector('#result-list .card').getBoundingClientRect().top"
    )
    assert first_card_top < 1.25 * 844

    # Opened with the keyboard, the facets work as on a laptop.
    page.locator("details.facet-panel > summary").focus()
    page.keyboard.press("Enter")
    expect(panel).to_have_attribute("open", "")
    page.get_by_label(re.compile(r"^South Holland")).check()
    expect(page).to_have_url(re.compile(r"province=NL-ZH"))
    expect(cards(page)).to_have_count(2)

    # A shared link with a filter set opens the panel, so the reader sees why the list is short.
    page.goto(f"{live_server.url}{LIST_URL}?province=NL-ZH")
    expect(panel).to_have_attribute("open", "")


def test_on_a_laptop_the_facets_stay_open(page: Page, live_server, challenges):
    page.goto(f"{live_server.url}{LIST_URL}")
    expect(page.locator("details.facet-panel")).to_have_attribute("open", "")
    expect(page.locator("details.facet-panel > summary")).to_be_hidden()
