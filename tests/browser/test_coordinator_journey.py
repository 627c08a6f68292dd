"""The hub coordinator's journey, end to end in the browser: sign in to the admin with a
password and the code of an authenticator app, work the review queue (oldest first, only the
own region), publish a challenge, which a real Celery worker matches, review the ranked
matches with their reasons and the capacity the partners have left, accept two, form a
learning community from them, and see the change on the hub's (and the national) insights
page.

The admin is driven in English (`/en/admin/...`): the Dutch catalogue is filled in
separately, so English text is what stays stable to assert on. The pages are checked with
axe-core at phone and laptop width and photographed into screenshots/ (git-ignored); the
code of the authenticator app and the "form the community" form are done with the keyboard
alone.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from apps.audit.models import AuditAction, AuditEvent
from apps.challenges.models import ChallengeStatus
from apps.communities.models import (
    CommunityInvitation,
    CommunityMembership,
    CommunityStatus,
    LearningCommunity,
)
from apps.hubs.models import Hub
from apps.hubs.services import hub_coordinator_add, programme_coordinator_set
from apps.matching.models import Match, MatchRun, MatchStatus
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.organisations.models import Membership
from learningcommunities.celery import app
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.helpers import (
    assert_accessible_at_both_widths,
    focused,
    login,
    screenshot,
    tab_to,
)
from tests.challenges.factories import ChallengeFactory
from tests.mfa_helpers import give_totp, totp_code
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Minder brood weggooien"
OLDER_TITLE = "Drukwerk op tijd plannen"
GRONINGEN_TITLE = "Suikerbieten tellen met drones"
COMMUNITY_NAME = "Brood voorspellen in Leiden"
# The admin pages are checked with axe-core in their main area (messages, title, content):
# Django's own breadcrumbs bar has white links on light blue without an underline (axe:
# link-in-text-block), which is Django's styling, not a template of ours.
ADMIN_MAIN = "#content-start"


def en(viewname: str, *args) -> str:
    """The English URL of a page (see the module docstring)."""
    with translation.override("en"):
        return reverse(viewname, args=args or None)


# --- Data and machinery ----------------------------------------------------------------------


def member(organisation, full_name: str, email: str) -> object:
    """The organisation's administrator, who reads notices in English."""
    return MembershipFactory(
        organisation=organisation,
        role=Membership.Role.ADMIN,
        user=UserFactory(full_name=full_name, email=email, preferred_language="en"),
    ).user


def submitted(*, title: str, organisation, province_code: str, days_ago: int, topics: list[str]):
    return ChallengeFactory(
        title=title,
        organisation=organisation,
        province_code=province_code,
        status=ChallengeStatus.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        topics=topics,
        learning_goals="Onze bakkers leren een voorspelling lezen en bijsturen.",
    )


@pytest.fixture
def region():
    """Two challenges submitted in Zuid-Holland (one waiting a week longer), one in Groningen
    (another hub's, waiting longest of all), and three partners in Zuid-Holland that fit the
    bakery's forecasting question, each with an administrator who gets the invitation."""
    bakery = OrganisationFactory(name="Bakkerij De Korenbloem", kind_slug="sme")
    printer = OrganisationFactory(name="Drukkerij Van Dam", kind_slug="sme")
    farm = OrganisationFactory(name="Akkerbouw Hoogeland", kind_slug="sme", province_code="NL-GR")
    hogeschool = OrganisationFactory(
        name="Hogeschool Leiden, Lectoraat Data-gedreven Werken",
        kind_slug="hbo",
        capacity=3,
        topics=["predictive-analytics", "time-series"],
    )
    lab = OrganisationFactory(
        name="Innovatielab Delft", kind_slug="innovation-lab", capacity=2, topics=["ml"]
    )
    university = OrganisationFactory(
        name="Universiteit Leiden, Data Science", kind_slug="wo", topics=["time-series"]
    )
    return {
        "challenge": submitted(
            title=TITLE,
            organisation=bakery,
            province_code="NL-ZH",
            days_ago=2,
            topics=["predictive-analytics", "time-series"],
        ),
        "older": submitted(
            title=OLDER_TITLE,
            organisation=printer,
            province_code="NL-ZH",
            days_ago=9,
            topics=["optimisation"],
        ),
        "groningen": submitted(
            title=GRONINGEN_TITLE,
            organisation=farm,
            province_code="NL-GR",
            days_ago=20,
            topics=["remote-sensing"],
        ),
        "sme_admin": member(bakery, "Anouk de Bakker", "anouk@korenbloem.example.nl"),
        "hogeschool": hogeschool,
        "hogeschool_admin": member(hogeschool, "Joost Lector", "joost@hsleiden.example.nl"),
        "lab": lab,
        "lab_admin": member(lab, "Mira Labhoofd", "mira@innovatielab.example.nl"),
        "university": university,
    }


@pytest.fixture
def hub_coordinator():
    """A coordinator of hub Zuid-Holland as the hub admin sets one up (staff and the
    coordinators' group), with the authenticator app the admin requires
    (`totp_secret`: what the app was set up with)."""
    user = UserFactory(full_name="Hanna Hubcoördinator", email="hanna@aihub-zh.example.nl")
    hub_coordinator_add(hub=Hub.objects.get(slug="zuid-holland"), user=user)
    _authenticator, user.totp_secret = give_totp(user)
    return user


@pytest.fixture
def programme_coordinator_user():
    """Works nationally and sees the national insights page: a page for coordinators, so
    with the authenticator app's code too (`totp_secret`)."""
    user = programme_coordinator_set(user=UserFactory(full_name="Pim Programma"), enabled=True)
    _authenticator, user.totp_secret = give_totp(user)
    return user


@contextmanager
def celery_worker() -> Iterator[None]:
    """A real worker on this run's own queue, emptied first so nothing left by an earlier
    test runs in this one."""
    redis.Redis.from_url(settings.REDIS_URL).delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        yield


# --- Page helpers ----------------------------------------------------------------------------


def enter_code_with_the_keyboard(page: Page, secret: str) -> None:
    """Tab to the code field, type what the app shows now, press Enter. With no tolerance
    for an old code, a code typed just as the app moved on is refused: like a person, type
    the new one (once)."""
    for attempt in range(2):
        if focused(page).get("name") != "code":
            tab_to(page, lambda element: element.get("name") == "code")
        code_field = focused(page)
        assert code_field["visibleFocus"], code_field
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type(totp_code(secret))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        if attempt or "/2fa/authenticate/" not in page.url:
            return


def table_figure(page: Page, table: str, row: str) -> int:
    """The number in the first figure column of the insights table's row headed `row`."""
    cell = (
        page.locator(f"#table-{table} tbody tr")
        .filter(has=page.locator("th", has_text=re.compile(f"^{re.escape(row)}$")))
        .locator("td")
        .first
    )
    return int(cell.inner_text().strip())


def insights_figures(page: Page) -> dict[str, int]:
    """The figures this journey changes, as the insights page shows them."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("Insights")
    return {
        "forming": table_figure(page, "communities", "Forming"),
        "communities": table_figure(page, "communities", "Total"),
        "with_accepted_match": table_figure(
            page, "time-to-match", "Challenges with an accepted match"
        ),
        "participants": table_figure(page, "participants", "Total"),
    }


def admin_page_accessible(page: Page, screenshot_name: str) -> None:
    """axe-core on the admin page's main area at both widths, then the screenshots (see
    ADMIN_MAIN; the style sheets stay unread because of Django's `@import`, see
    `axe_violations`)."""
    assert_accessible_at_both_widths(page, screenshot_name, within=ADMIN_MAIN, stylesheets=False)


def open_insights_from_the_header(page: Page, scope: str) -> None:
    """Insights in the site's header, then the hub (or the whole country) on its index."""
    page.get_by_role("link", name="Insights", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights")
    page.locator("main").get_by_role("link", name=scope).click()


def match_row(page: Page, partner: str):
    return page.locator("table.match-review-table tbody tr").filter(has_text=partner)


# --- The journey -----------------------------------------------------------------------------


def test_coordinator_reviews_publishes_accepts_matches_and_forms_a_community(
    page: Page, new_context, live_server, region, hub_coordinator, programme_coordinator_user
):
    challenge = region["challenge"]

    # 1. From the site: log in with the password, then the authenticator app's code; then
    # "Admin" in the header.
    page.goto(en("portal:home"))
    page.get_by_role("link", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/accounts/login/"))
    page.locator("input[name=login]").fill(hub_coordinator.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/en/accounts/2fa/authenticate/"))
    assert_accessible_at_both_widths(page, "journey-coordinator-totp")
    enter_code_with_the_keyboard(page, hub_coordinator.totp_secret)
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(en("admin:index")) + "$"))
    summary = page.locator(".review-queue-summary")
    expect(summary).to_contain_text("2 challenges in your region wait for review.")
    expect(summary).to_contain_text("The oldest was submitted 1 week")
    assert_accessible_at_both_widths(page, "journey-coordinator-admin-index")

    # The hub's insights before anything happened (from the admin index), and the national
    # ones (from the site's header).
    page.get_by_role("link", name=re.compile("^Supply against demand in your region")).click()
    page.get_by_role("link", name="AI Hub Zuid-Holland").click()
    hub_before = insights_figures(page)
    national = new_context().new_page()
    login(national, live_server, programme_coordinator_user)
    expect(national).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    enter_code_with_the_keyboard(national, programme_coordinator_user.totp_secret)
    national.get_by_role("button", name="English").click()  # the header's language switch
    open_insights_from_the_header(national, "The Netherlands (all hubs)")
    national_before = insights_figures(national)

    # 2. The review queue: the region's two, the longest waiting first; not Groningen's.
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Open the review queue").click()
    expect(page).to_have_url(
        re.compile(re.escape(en("admin:challenges_challengetoreview_changelist")))
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Challenges waiting for review")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(OLDER_TITLE)
    expect(rows.nth(0)).to_contain_text("9 days")
    expect(rows.nth(1)).to_contain_text(TITLE)
    expect(rows.nth(1)).to_contain_text("2 days")
    expect(page.locator("#content")).not_to_contain_text(GRONINGEN_TITLE)
    admin_page_accessible(page, "journey-coordinator-review-queue")

    # 3. Read the challenge and publish it; a real worker matches it.
    rows.nth(1).get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review a challenge")
    expect(page.locator("#content")).to_contain_text(challenge.description)
    admin_page_accessible(page, "journey-coordinator-review-challenge")
    with celery_worker():
        page.locator(".review-decision").get_by_role("button", name="Publish").click()
        messages = page.locator(".messagelist")
        expect(messages).to_contain_text("1 challenge was published")
        expect(rows).to_have_count(1)  # back on the queue, where only the older one waits
        expect(rows.nth(0)).to_contain_text(OLDER_TITLE)
        challenge.refresh_from_db()
        assert challenge.status == ChallengeStatus.PUBLISHED
        assert Notification.objects.filter(
            recipient=region["sme_admin"], kind=NotificationKind.CHALLENGE_PUBLISHED
        ).exists(), "the SME is told its challenge was published"

        # 4. The match review page (linked from the message): the finished run (htmx polls
        # the progress and reloads the page while it runs), the partners with their reasons
        # and the capacity they have left.
        messages.get_by_role("link", name=TITLE).click()
        expect(page).to_have_url(
            re.compile(re.escape(en("admin:matching_match_review", challenge.pk)) + "$")
        )
        expect(page.locator(".run-progress .run-status")).to_have_text("done", timeout=30_000)
    run = MatchRun.objects.get(status=MatchRun.Status.DONE)
    assert run.challenges_done == run.challenges_total == 1
    expect(page.locator(".run-progress-numbers")).to_contain_text("1 of 1 challenges")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Matches for “{TITLE}”")

    hogeschool, lab = region["hogeschool"].name, region["lab"].name
    expect(page.locator("table.match-review-table tbody tr")).to_have_count(
        Match.objects.filter(challenge=challenge).count()
    )
    for partner in (hogeschool, lab, region["university"].name):
        expect(match_row(page, partner)).to_have_count(1)
    first = page.locator("table.match-review-table tbody tr").first
    expect(first.locator("td").first).to_have_text("1")
    expect(first).to_contain_text(hogeschool)  # both topics fit: ranked first
    expect(match_row(page, hogeschool).locator(".match-reasons")).to_contain_text(
        "Predictive analytics"
    )
    expect(match_row(page, hogeschool).locator(".match-reasons")).to_contain_text(
        "In the same province"
    )
    expect(match_row(page, hogeschool)).to_contain_text("3 of 3")
    expect(match_row(page, lab)).to_contain_text("2 of 2")
    expect(match_row(page, hogeschool).locator(".match-status")).to_have_text("suggested")
    admin_page_accessible(page, "journey-coordinator-match-review")

    # Accept two: each leaves its partner one place less.
    for partner, capacity_left in ((hogeschool, "2 of 3"), (lab, "1 of 2")):
        match_row(page, partner).get_by_role("button", name=re.compile(r"^Accept")).click()
        expect(page.locator(".messagelist")).to_contain_text(f"{partner} is now “accepted”.")
        expect(match_row(page, partner).locator(".match-status")).to_have_text("accepted")
        expect(match_row(page, partner)).to_contain_text(capacity_left)
    # Positions stay the review order 1, 2, 3... (they read 1, 1, 1, 2, 3 after accepting),
    # and an accepted match offers only what the workflow allows: no "Mark contacted".
    positions = page.locator("table.match-review-table tbody tr td:first-child").all_inner_texts()
    assert [p.strip() for p in positions] == [str(n) for n in range(1, len(positions) + 1)]
    for partner in (hogeschool, lab):
        row = match_row(page, partner)
        expect(row.get_by_role("button", name=re.compile("^Mark contacted"))).to_have_count(0)
        expect(row.get_by_role("button", name=re.compile("^Decline"))).to_have_count(1)
    accepted = Match.objects.filter(challenge=challenge, status=MatchStatus.ACCEPTED)
    assert {m.organisation_id for m in accepted} == {region["hogeschool"].pk, region["lab"].pk}
    assert set(
        AuditEvent.objects.filter(
            action=AuditAction.MATCH_STATUS_CHANGED, actor=hub_coordinator
        ).values_list("object_id", flat=True)
    ) == {str(m.pk) for m in accepted}
    assert AuditEvent.objects.filter(
        action=AuditAction.CHALLENGE_PUBLISHED,
        actor=hub_coordinator,
        object_id=str(challenge.pk),
    ).exists()
    screenshot(page, "journey-coordinator-match-review-accepted")

    # 5. Form the community: prefilled from the challenge; renamed and sent with the keyboard.
    page.get_by_role("link", name="Form a community from the accepted matches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Form a community")
    expect(page.get_by_label("Name of the community")).to_have_value(TITLE)
    expect(page.get_by_label("Goal")).to_have_value(challenge.description)
    accepted_table = page.locator("table", has_text="Partners accepted for this challenge")
    expect(accepted_table.locator("tbody tr")).to_have_count(2)
    invitees = page.locator("table", has_text="people will be invited")
    expect(invitees.locator("caption")).to_have_text("3 people will be invited")
    for person in ("Anouk de Bakker", "Joost Lector", "Mira Labhoofd"):
        expect(invitees).to_contain_text(person)
    admin_page_accessible(page, "journey-coordinator-form-community")

    page.locator("body").focus()
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["tag"] == "a" and skip["text"] == "Skip to main content", skip
    page.keyboard.press("Enter")
    name = tab_to(page, lambda element: element.get("name") == "name")
    assert name["visibleFocus"], name
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(COMMUNITY_NAME)
    # Who sees the community is chosen, not pre-selected: the first option, with Space.
    visibility = tab_to(page, lambda element: element.get("name") == "is_public")
    assert visibility["visibleFocus"], visibility
    page.keyboard.press("Space")
    expect(page.get_by_label("Everyone (public)")).to_be_checked()
    submit = tab_to(page, lambda element: element.get("type") == "submit")
    assert submit["value"] == "Form the community and send the invitations", submit
    assert submit["visibleFocus"], submit
    page.keyboard.press("Enter")

    expect(page.locator(".messagelist")).to_contain_text(
        f"The community “{COMMUNITY_NAME}” was formed; 3 people were invited."
    )
    community = LearningCommunity.objects.get()
    expect(page).to_have_url(
        re.compile(re.escape(en("admin:communities_learningcommunity_change", community.pk)))
    )
    assert community.name == COMMUNITY_NAME
    assert community.status == CommunityStatus.FORMING
    assert community.hub.slug == "zuid-holland"
    assert list(community.challenges.all()) == [challenge]
    assert set(community.organisations.all()) == {
        challenge.organisation,
        region["hogeschool"],
        region["lab"],
    }
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.IN_COMMUNITY
    assert set(CommunityInvitation.objects.values_list("user", flat=True)) == {
        region["sme_admin"].pk,
        region["hogeschool_admin"].pk,
        region["lab_admin"].pk,
    }
    assert CommunityMembership.objects.get(community=community).user == hub_coordinator
    assert Notification.objects.filter(
        kind=NotificationKind.COMMUNITY_INVITATION, recipient=region["hogeschool_admin"]
    ).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.COMMUNITY_FORMED, actor=hub_coordinator, object_id=str(community.pk)
    ).exists()
    # The community's change page is Django's own change form (select2 autocompletes and a
    # tabular inline with column headers instead of labels, both known findings of axe in
    # Django's admin): photographed, not checked.
    screenshot(page, "journey-coordinator-community-formed")

    # 6. The insights show it: one more community forming, one more challenge with an
    # accepted match, the coordinator taking part.
    page.get_by_role("link", name="View site").click()
    if page.get_by_role("button", name="English").get_attribute("aria-current") != "true":
        page.get_by_role("button", name="English").click()
    open_insights_from_the_header(page, "AI Hub Zuid-Holland")
    hub_after = insights_figures(page)
    assert hub_after == {
        "forming": hub_before["forming"] + 1,
        "communities": hub_before["communities"] + 1,
        "with_accepted_match": hub_before["with_accepted_match"] + 1,
        "participants": hub_before["participants"] + 1,
    }, (hub_before, hub_after)
    assert hub_before["forming"] == 0
    assert_accessible_at_both_widths(page, "journey-coordinator-insights-hub")

    national.reload()
    national_after = insights_figures(national)
    assert national_after["forming"] == national_before["forming"] + 1
    assert national_after["with_accepted_match"] == national_before["with_accepted_match"] + 1
    assert_accessible_at_both_widths(national, "journey-coordinator-insights-national")
