"""The SME's journey, end to end in the browser: sign up, confirm the address from the mail,
add the organisation, describe a challenge in the guided form (with the keyboard alone),
submit it; a hub coordinator publishes it in the admin, a real Celery worker matches it; the
SME sees the matched partners with their reasons and asks for an introduction, which the
partner receives without the SME's contact details.

The pages are driven through the English site (`/en/...`): the Dutch catalogue is filled in
separately, so English text is what stays stable to assert on. Every new page on the way is
checked with axe-core at phone and laptop width and photographed into screenshots/.
"""

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from apps.challenges.models import Challenge, ChallengeStatus
from apps.hubs.models import Hub
from apps.hubs.services import hub_coordinator_add
from apps.matching.models import IntroductionRequest, Match, MatchRun, MatchStatus
from apps.organisations.models import Membership, Organisation
from apps.taxonomy.models import Format, Sector
from learningcommunities.celery import app
from tests.accounts.factories import UserFactory
from tests.browser.helpers import (
    assert_accessible_at_both_widths,
    focused,
    login,
    signup,
)
from tests.mfa_helpers import give_totp
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "anouk@korenbloem.example.nl"
PASSWORD = "brood-en-banket-2024"
TITLE = "Minder brood weggooien"
DESCRIPTION = (
    "Elke avond gooien we brood weg, en op zaterdag is het om twee uur op. We willen met "
    "onze kassabonnen en het weerbericht beter voorspellen hoeveel we per winkel bakken."
)
LEARNING_GOALS = "Onze bakkers willen leren een voorspelling te lezen en bij te sturen."


def en(viewname: str, **kwargs) -> str:
    """The English URL of a page (see the module docstring)."""
    with translation.override("en"):
        return reverse(viewname, kwargs=kwargs or None)


# --- Data and machinery ----------------------------------------------------------------------


@pytest.fixture
def suppliers():
    """Partners that fit a bakery's forecasting question in Zuid-Holland, one that does not,
    and the administrator of the hogeschool, who answers introduction requests."""
    hogeschool = OrganisationFactory(
        name="Hogeschool Leiden, Lectoraat Data-gedreven Werken",
        kind_slug="hbo",
        province_code="NL-ZH",
        topics=["predictive-analytics", "time-series"],
    )
    hogeschool.sectors.set(Sector.objects.filter(slug="retail"))
    hogeschool.formats.set(Format.objects.filter(slug="student-project"))
    lab = OrganisationFactory(
        name="Innovatielab Delft", kind_slug="innovation-lab", province_code="NL-ZH", topics=["ml"]
    )
    unrelated = OrganisationFactory(
        name="Robotlab Maastricht",
        kind_slug="innovation-lab",
        province_code="NL-LI",
        topics=["industrial-robotics"],
    )
    partner_admin = MembershipFactory(
        organisation=hogeschool,
        role=Membership.Role.ADMIN,
        # Notices are written in the reader's language; this reader chose English.
        user=UserFactory(
            full_name="Joost Lector", email="joost@hsleiden.example.nl", preferred_language="en"
        ),
    ).user
    return {
        "hogeschool": hogeschool,
        "lab": lab,
        "unrelated": unrelated,
        "partner_admin": partner_admin,
    }


@pytest.fixture
def hub_coordinator():
    """A coordinator of hub Zuid-Holland, set up as the hub admin does it (staff, and the
    coordinators' group that lets them publish), with the authenticator app the admin
    requires (`totp_secret`: what the app was set up with)."""
    user = UserFactory(full_name="Hanna Hubcoördinator")
    hub_coordinator_add(hub=Hub.objects.get(slug="zuid-holland"), user=user)
    _authenticator, user.totp_secret = give_totp(user)
    return user


def log_in_with_authenticator_app(page: Page, live_server, user) -> None:
    """Password, then the code the app shows now (computed from the secret as the app does),
    on the English site."""
    login(page, live_server, user, language="en")
    expect(page).to_have_url(re.compile(r"/2fa/authenticate/"))
    code = format_hotp_value(hotp_value(user.totp_secret, int(time.time()) // 30))
    page.locator("input[name=code]").fill(code)
    page.locator("form.account-form button[type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/2fa/authenticate/"))


@contextmanager
def celery_worker() -> Iterator[None]:
    """A real worker on this run's own queue, emptied first so nothing left by an earlier
    test runs in this one."""
    redis.Redis.from_url(settings.REDIS_URL).delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        yield


@contextmanager
def tasks_finishing() -> Iterator[threading.Event]:
    """An event the worker sets after each task, to wait on instead of sleeping."""
    finished = threading.Event()

    def on_task_done(**kwargs):
        finished.set()

    task_postrun.connect(on_task_done, weak=False)
    try:
        yield finished
    finally:
        task_postrun.disconnect(on_task_done)


def wait_until(condition, finished: threading.Event, *, timeout: float = 30.0) -> None:
    """Check `condition` each time the worker finishes a task, until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        remaining = deadline - time.monotonic()
        assert remaining > 0, "the worker did not get there in time"
        finished.wait(remaining)
        finished.clear()


# --- Keyboard --------------------------------------------------------------------------------


def tab_through(page: Page, predicate, *, limit: int = 80) -> dict:
    """Press Tab until `predicate(focused(page))` holds; every element passed on the way must
    show its focus. Returns the element reached."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        seen.append(element)
        assert element["visibleFocus"], f"no visible focus on {element}"
        if predicate(element):
            return element
    order = "\n".join(f"  {item}" for item in seen)
    raise AssertionError(f"focus never reached the element after {limit} Tabs:\n{order}")


def named(name: str):
    return lambda element: element.get("name") == name


def with_id(element_id: str):
    return lambda element: element.get("id") == element_id


def checkbox_id(page: Page, label: str) -> str:
    """The id of the checkbox with this visible label (read, not clicked)."""
    return page.get_by_label(label, exact=True).get_attribute("id")


def fill_challenge_form_with_the_keyboard(page: Page) -> None:
    """Title and texts typed, the two AI topics suggested for them, two sectors and a format
    ticked with Space, the time frame and the visibility chosen with arrow keys, submitted
    with Enter."""
    ids = {
        label: checkbox_id(page, label)
        for label in (
            "Predictive analytics",
            "Time series",
            "Agrifood",
            "Retail",
            "Student project",
        )
    }
    tab_through(page, named("title"))
    page.keyboard.type(TITLE)
    for name, text in (("description", DESCRIPTION), ("learning_goals", LEARNING_GOALS)):
        page.keyboard.press("Tab")
        element = focused(page)
        assert element["name"] == name and element["visibleFocus"], element
        page.keyboard.type(text)

    # While the description was typed, the topics that fit it were marked (htmx), with why,
    # in a live region a screen reader announces; the person ticks suggested ones.
    status = page.locator("#topic-picker [aria-live=polite]")
    # The run's first suggestion loads the language model in the server: give it time.
    expect(status).to_contain_text("These AI topics seem to fit your description", timeout=30_000)
    expect(status).to_contain_text("Time series")
    for label in ("Predictive analytics", "Time series"):
        expect(page.locator(f"label[for={ids[label]}] .suggested-tag")).to_have_text("suggested")
    expect(page.locator("#topic-picker input[name=topics]:checked")).to_have_count(0)

    for label, element_id in ids.items():
        tab_through(page, with_id(element_id))
        page.keyboard.press("Space")
        expect(page.locator(f"#{element_id}"), label).to_be_checked()

    time_frame = tab_through(page, named("time_frame"))
    assert time_frame["value"] == Challenge.TimeFrame.FLEXIBLE
    page.keyboard.press("Home")
    page.keyboard.press("ArrowDown")
    expect(page.locator("select[name=time_frame]")).to_have_value(
        Challenge.TimeFrame.WITHIN_3_MONTHS
    )

    # A radio group is one Tab stop, on the option chosen; arrow keys choose another.
    visibility = tab_through(page, named("visibility"))
    assert visibility["value"] == "public"
    page.keyboard.press("ArrowDown")
    members = focused(page)
    assert members["value"] == "members" and members["visibleFocus"], members
    expect(page.get_by_label("Only people who are signed in to the platform")).to_be_checked()

    submit = tab_through(page, lambda element: element["tag"] == "button")
    assert submit["value"] == "submit", "“Submit for review” comes first"
    page.keyboard.press("Enter")


# --- The journey -----------------------------------------------------------------------------


def test_sme_signs_up_posts_a_challenge_and_asks_a_matched_partner_for_an_introduction(
    page: Page, new_context, live_server, mailoutbox, suppliers, hub_coordinator
):
    # From the home page, without typing an address: "describe your challenge" leads to
    # sign-up; after confirming the address from the mail the person is back on its way.
    page.goto(en("portal:home"))
    page.get_by_role("link", name="Describe your challenge").first.click()
    expect(page).to_have_url(re.compile(re.escape(en("account_signup")) + r"\?next="))
    user = signup(
        page,
        mailoutbox,
        email=EMAIL,
        full_name="Anouk de Bakker",
        password=PASSWORD,
        on_the_form=True,
    )
    expect(page).to_have_url(re.compile(re.escape(en("challenges:create")) + "$"))

    # Without an organisation, the form's page leads to finding or adding it.
    expect(page.get_by_role("heading", level=1)).to_have_text("First, your organisation")
    page.get_by_role("link", name="Find your organisation and ask to join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Get started")
    page.get_by_label("Name of the organisation").fill("Korenbloem")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("No organisation with that name yet")
    assert_accessible_at_both_widths(page, "journey-sme-get-started")
    page.go_back()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("First, your organisation")

    # The organisation: an SME in Zuid-Holland, with its administrator the person signing up.
    page.get_by_role("link", name="Add your organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an organisation")
    assert_accessible_at_both_widths(page, "journey-sme-organisation-kind")
    page.get_by_label("SME", exact=True).check()
    page.get_by_role("button", name="Go on").click()
    # Only what an SME is asked: no formats, capacity or parent.
    expect(page.get_by_text("Ways of working together you offer")).to_have_count(0)
    expect(page.get_by_label("Capacity")).to_have_count(0)
    assert_accessible_at_both_widths(page, "journey-sme-organisation-form")
    page.get_by_label(re.compile(r"^Name:?$")).fill("Bakkerij De Korenbloem")
    page.get_by_label("Province").select_option(label="South Holland")
    page.get_by_label("About the organisation").fill(
        "Familiebakkerij met drie winkels in Leiden en omgeving."
    )
    page.get_by_label("Agrifood", exact=True).check()
    page.get_by_role("button", name="Add organisation").click()
    # Straight back into the challenge form, with the new organisation chosen; the hub
    # still verifies the organisation, and the message says so.
    expect(page.get_by_role("heading", level=1)).to_have_text("Describe your challenge")
    expect(page.get_by_role("status")).to_contain_text("The AI hub of its region checks")
    bakery = Organisation.objects.get(name="Bakkerij De Korenbloem")
    assert (bakery.kind.slug, bakery.province.code) == ("sme", "NL-ZH")
    assert bakery.memberships.get().user == user
    assert bakery.memberships.get().role == Membership.Role.ADMIN

    # The guided form: empty, then sent empty (errors next to the fields), then filled and
    # submitted with the keyboard alone.
    assert_accessible_at_both_widths(page, "journey-sme-challenge-form")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")
    expect(page.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    assert_accessible_at_both_widths(page, "journey-sme-challenge-form-errors")
    assert not Challenge.objects.exists()

    # Again from My overview, through its "describe your challenge".
    page.get_by_role("link", name="My overview", exact=True).click()
    page.get_by_role("link", name="Describe your challenge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Describe your challenge")
    fill_challenge_form_with_the_keyboard(page)

    expect(page).to_have_url(re.compile(r"/en/challenges/\d+/status/$"))
    challenge = Challenge.objects.get()
    assert page.url.endswith(en("challenges:status", pk=challenge.pk))
    expect(page.get_by_role("status")).to_contain_text("Your challenge was submitted")
    expect(page.locator("main .badge")).to_have_text("Submitted for review")
    expect(page.locator("[aria-current=step]")).to_contain_text("waiting for review")
    assert (challenge.organisation, challenge.created_by) == (bakery, user)
    assert challenge.status == ChallengeStatus.SUBMITTED
    assert (challenge.title, challenge.description) == (TITLE, DESCRIPTION)
    assert challenge.learning_goals == LEARNING_GOALS
    assert {t.slug for t in challenge.topics.all()} == {"predictive-analytics", "time-series"}
    assert {s.slug for s in challenge.sectors.all()} == {"agrifood", "retail"}
    assert [f.slug for f in challenge.formats.all()] == ["student-project"]
    assert challenge.time_frame == Challenge.TimeFrame.WITHIN_3_MONTHS
    assert challenge.visibility == "members"
    assert challenge.province.code == "NL-ZH"
    assert_accessible_at_both_widths(page, "journey-sme-challenge-status")

    # The hub coordinator publishes it in the admin's review queue; a real worker matches it.
    coordinator = new_context().new_page()
    log_in_with_authenticator_app(coordinator, live_server, hub_coordinator)
    # First the new organisation: the admin's index says one waits, the queue verifies it.
    coordinator.get_by_role("link", name="Admin", exact=True).click()
    coordinator.get_by_role("link", name="Open the organisations to verify").click()
    coordinator.get_by_role("link", name="Bakkerij De Korenbloem").click()
    coordinator.get_by_role("button", name="Verify", exact=True).click()
    expect(coordinator.locator(".messagelist")).to_contain_text(
        "Bakkerij De Korenbloem is verified"
    )
    bakery.refresh_from_db()
    assert bakery.is_verified
    coordinator.goto(en("admin:challenges_challenge_changelist") + "?status__exact=submitted")
    expect(coordinator.locator("#result_list")).to_contain_text(TITLE)
    coordinator.locator(f"input[name=_selected_action][value='{challenge.pk}']").check()
    coordinator.locator("select[name=action]").select_option("publish_selected")
    with celery_worker(), tasks_finishing() as finished:
        coordinator.locator("button[name=index]").click()
        expect(coordinator.locator(".messagelist")).to_contain_text("1 challenge was published")
        wait_until(lambda: MatchRun.objects.filter(status=MatchRun.Status.DONE).exists(), finished)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED

    # The SME sees the partners that fit, with the reasons, and not the one that does not:
    # from My overview, the challenge, its matched partners.
    page.get_by_role("link", name="My overview", exact=True).click()
    page.locator("main").get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Matched partners").click()
    matches = page.locator("li.match")
    for partner_name in (suppliers["hogeschool"].name, suppliers["lab"].name):
        expect(matches.filter(has_text=partner_name)).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text(suppliers["unrelated"].name)
    hogeschool_row = matches.filter(has_text=suppliers["hogeschool"].name)
    expect(hogeschool_row.locator(".reasons")).to_contain_text("Predictive analytics")
    expect(hogeschool_row.locator(".reasons")).to_contain_text("In the same province")
    assert set(
        Match.objects.filter(challenge=challenge).values_list("organisation", flat=True)
    ) >= {
        suppliers["hogeschool"].pk,
        suppliers["lab"].pk,
    }
    assert_accessible_at_both_widths(page, "journey-sme-matches")

    # An introduction to the hogeschool, with a message; the row then says it was requested.
    hogeschool_row.get_by_text("Request an introduction").click()
    hogeschool_row.get_by_label("Message to the partner (optional)").fill(
        "Kunnen studenten hier dit voorjaar aan werken?"
    )
    assert_accessible_at_both_widths(page, "journey-sme-matches-introduction-form")
    hogeschool_row.get_by_role("button", name=re.compile("^Send the request")).click()
    expect(page.get_by_role("status")).to_contain_text("Your request was sent")
    hogeschool_row = page.locator("li.match").filter(has_text=suppliers["hogeschool"].name)
    expect(hogeschool_row.locator(".introduction-state")).to_contain_text("Introduction requested")
    introduction = IntroductionRequest.objects.get()
    assert introduction.requested_by == user
    assert introduction.match.organisation == suppliers["hogeschool"]
    assert introduction.match.status == MatchStatus.SHORTLISTED
    hogeschool_row.get_by_role("link", name="See the introduction").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(suppliers["hogeschool"].name)
    expect(page.locator("main")).to_contain_text(EMAIL)  # the asking side sees its own contact
    assert_accessible_at_both_widths(page, "journey-sme-introduction")

    page.get_by_role("link", name="My overview", exact=True).click()
    expect(page.locator("main")).to_contain_text(TITLE)
    assert_accessible_at_both_widths(page, "journey-sme-dashboard")

    # "For you" from the header shows the SME what matters to them: the partners and the
    # introduction of their challenge, not a request to state their AI expertise.
    page.get_by_role("link", name="For you", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("For you")
    expect(page.locator("main")).not_to_contain_text("Tell us what you know about AI")
    introductions = page.get_by_role("region", name="Your challenges: introductions")
    expect(introductions).to_contain_text(suppliers["hogeschool"].name)
    expect(introductions).to_contain_text("Waiting for the partner")
    partners = page.get_by_role("region", name="Your challenges: partners that fit")
    expect(partners).to_contain_text(suppliers["lab"].name)
    assert_accessible_at_both_widths(page, "journey-sme-for-you")

    # The partner's administrator is told, and reads the request without the SME's contact.
    partner = new_context().new_page()
    login(partner, live_server, suppliers["partner_admin"], language="en")
    partner.get_by_role("link", name=re.compile("^Notifications")).click()
    notice = partner.get_by_role("link", name=re.compile("Introduction requested"))
    expect(notice).to_contain_text(TITLE)
    assert_accessible_at_both_widths(partner, "journey-sme-partner-notifications")
    notice.click()
    expect(partner).to_have_url(
        re.compile(re.escape(en("matching:introduction", pk=introduction.pk)))
    )
    expect(partner.locator("main")).to_contain_text(DESCRIPTION)
    expect(partner.locator("main")).to_contain_text("Shared once you accept the introduction")
    expect(partner.locator("main")).not_to_contain_text(EMAIL)
    expect(partner.locator("main")).not_to_contain_text("Anouk de Bakker")
    expect(partner.get_by_role("button", name="Accept the introduction")).to_be_visible()
    assert_accessible_at_both_widths(partner, "journey-sme-introduction-partner")
