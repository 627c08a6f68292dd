"""The lecturer's journey, end to end in the browser: log in, state expertise and province in
the profile, find a fitting challenge and community on "for you" with the reasons, ask to
join the community (with the keyboard alone), be approved by the community's coordinator in
another browser, get the notice and see the community as a member.

The pages are driven through the English site (`/en/...`): the Dutch catalogue is filled in
separately, so English text is what stays stable to assert on. Every new page on the way is
checked with axe-core at phone and laptop width and photographed into screenshots/.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from apps.communities.models import CommunityMembership, JoinRequest
from apps.notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.browser.helpers import assert_accessible_at_both_widths, focused, login
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.knowledge.factories import KnowledgeItemFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHALLENGE = "Minder brood weggooien: voorspel per winkel hoeveel we bakken"
COMMUNITY = "Leergemeenschap Voedselverspilling Zuid-Holland"
MESSAGE = "Mijn studenten data science willen graag met jullie kassadata aan de slag."


def en(viewname: str, **kwargs) -> str:
    """The English URL of a page (see the module docstring)."""
    with translation.override("en"):
        return reverse(viewname, kwargs=kwargs or None)


@pytest.fixture
def world():
    """A lecturer at a hogeschool (no expertise filled in yet), a published forecasting
    challenge in Zuid-Holland and the community around it with its coordinator, a challenge
    that does not fit, and a knowledge item the community shares."""
    hogeschool = OrganisationFactory(name="Hogeschool Leiden", kind_slug="hbo")
    lecturer = MembershipFactory(
        organisation=hogeschool,
        user=UserFactory(
            full_name="Sanne Visser", email="sanne@hsleiden.example.nl", preferred_language="en"
        ),
    ).user
    bakery = OrganisationFactory(name="Bakkerij De Korenbloem", province_code="NL-ZH")
    challenge = ChallengeFactory(
        organisation=bakery, title=CHALLENGE, topics=["predictive-analytics"]
    )
    ChallengeFactory(
        title="Akkers volgen met satellietbeelden",
        province_code="NL-GR",
        topics=["remote-sensing"],
    )
    community = LearningCommunityFactory(
        name=COMMUNITY,
        slug="voedselverspilling",
        goal="Samen leren hoe bakkers en winkels minder voedsel weggooien met voorspellingen.",
    )
    community.challenges.add(challenge)
    community.organisations.add(bakery)
    coordinator = CommunityMembershipFactory(
        community=community,
        role=CommunityMembership.Role.COORDINATOR,
        user=UserFactory(full_name="Femke de Coördinator"),
    ).user
    knowledge = KnowledgeItemFactory(
        title="Voorspellen in de bakkerij: wat we leerden",
        topics=["predictive-analytics"],
        source_community=community,
    )
    return {
        "lecturer": lecturer,
        "challenge": challenge,
        "community": community,
        "coordinator": coordinator,
        "knowledge": knowledge,
    }


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


def test_lecturer_finds_a_fitting_community_asks_to_join_and_is_let_in(
    page: Page, new_context, live_server, world
):
    lecturer, community = world["lecturer"], world["community"]
    login(page, live_server, lecturer, language="en")

    # Without expertise "for you" has nothing to go on, and says where to add it.
    page.get_by_role("link", name="For you", exact=True).click()
    page.get_by_role("link", name="Add your expertise to your profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    assert_accessible_at_both_widths(page, "journey-lecturer-profile")

    page.get_by_label("Province").select_option(label="South Holland")
    page.get_by_label("Predictive analytics", exact=True).check()
    page.get_by_label("What I can offer").fill("Studentprojecten over voorspellen, elk semester.")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile has been saved")
    lecturer.refresh_from_db()
    assert lecturer.province.code == "NL-ZH"
    assert [t.slug for t in lecturer.expertise_topics.all()] == ["predictive-analytics"]

    # "For you": the challenge and its community, with the reasons; not the satellite one.
    page.get_by_role("navigation", name="Account").get_by_role("link", name="For you").click()
    items = page.locator("li.match")
    challenge_item = items.filter(has_text=CHALLENGE)
    community_item = items.filter(has_text=COMMUNITY)
    expect(challenge_item.locator(".reasons")).to_contain_text("Predictive analytics")
    expect(challenge_item.locator(".reasons")).to_contain_text("In the same province")
    expect(community_item.locator(".reasons")).to_contain_text("Predictive analytics")
    expect(page.locator("main")).not_to_contain_text("satellietbeelden")
    assert_accessible_at_both_widths(page, "journey-lecturer-for-you")

    # To the community, and from there to the join form, with the keyboard alone.
    community_item.get_by_role("link", name=COMMUNITY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COMMUNITY)
    tab_through(page, lambda element: element["text"] == "Ask to join")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(en("communities:join", slug=community.slug))))
    assert_accessible_at_both_widths(page, "journey-lecturer-join-form")

    # The role is proposed from her organisation's kind (issue 12).
    expect(page.get_by_label("lecturer", exact=True)).to_be_checked()
    # Sent without a role (cleared here, as for someone whose organisation tells nothing):
    # the error is next to the role and the form is kept.
    page.evaluate("document.querySelectorAll('input[name=role]').forEach(r => r.checked = false)")
    submit = tab_through(
        page, lambda element: element["tag"] == "button" and element["region"] == "main"
    )
    assert submit["text"] == "Send my request"
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("group", name="I would take part as")).to_have_attribute(
        "aria-describedby", re.compile("error")
    )
    assert not JoinRequest.objects.exists()
    assert_accessible_at_both_widths(page, "journey-lecturer-join-form-errors")

    # Nothing chosen yet: Tab enters the radio group on its first option, an arrow key moves
    # to (and chooses) the next; Tab on to the message and to the button; Enter sends.
    first_role = tab_through(page, lambda element: element["name"] == "role")
    assert first_role["value"] == CommunityMembership.Role.COMPANY_PARTICIPANT
    page.keyboard.press("ArrowDown")
    role = focused(page)
    assert role["value"] == CommunityMembership.Role.LECTURER and role["visibleFocus"]
    expect(page.get_by_label("lecturer", exact=True)).to_be_checked()
    message = tab_through(page, lambda element: element["name"] == "message")
    assert message["tag"] == "textarea"
    page.keyboard.type(MESSAGE)
    submit = tab_through(page, lambda element: element["tag"] == "button")
    assert submit["text"] == "Send my request"
    page.keyboard.press("Enter")

    expect(page.locator("#your-status")).to_contain_text("Request pending")
    join_request = JoinRequest.objects.get()
    assert (join_request.user, join_request.community) == (lecturer, community)
    assert join_request.role == CommunityMembership.Role.LECTURER
    assert join_request.message == MESSAGE
    assert join_request.state == JoinRequest.State.PENDING

    # The community's coordinator approves it in another browser.
    coordinator = new_context().new_page()
    login(coordinator, live_server, world["coordinator"], language="en")
    coordinator.get_by_role("link", name="My overview", exact=True).click()
    coordinator.locator("main").get_by_role("link", name=COMMUNITY).first.click()
    coordinator.get_by_role("link", name=re.compile("^Join requests")).click()
    request_item = coordinator.locator(f"#request-{join_request.pk}")
    expect(request_item).to_contain_text("Sanne Visser")
    expect(request_item).to_contain_text(MESSAGE)
    assert_accessible_at_both_widths(coordinator, "journey-lecturer-join-requests")
    request_item.get_by_role("button", name=re.compile("^Approve")).click()
    expect(coordinator.get_by_role("status")).to_contain_text("The request was approved")
    expect(coordinator.locator("table")).to_contain_text("Sanne Visser")
    membership = CommunityMembership.objects.get(community=community, user=lecturer)
    assert membership.role == CommunityMembership.Role.LECTURER
    assert_accessible_at_both_widths(coordinator, "journey-lecturer-join-requests-decided")

    # The lecturer has a notice; opening it leads to the community, now as a member.
    page.get_by_role("link", name="My overview", exact=True).click()
    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name=re.compile("^Notifications")
    ).click()
    notice = page.get_by_role("link", name=f"Welcome to {COMMUNITY}")
    expect(notice).to_be_visible()
    assert_accessible_at_both_widths(page, "journey-lecturer-notifications")
    notice.click()
    expect(page).to_have_url(re.compile(re.escape(en("communities:detail", slug=community.slug))))
    expect(page.locator("#your-status")).to_contain_text(
        "You are a member of this community (lecturer)"
    )
    expect(page.locator("#members")).to_contain_text("Sanne Visser")
    assert Notification.objects.get(recipient=lecturer).read_at is not None
    assert_accessible_at_both_widths(page, "journey-lecturer-community-member")

    page.get_by_role("link", name="My overview", exact=True).click()
    expect(page.locator("main")).to_contain_text(COMMUNITY)
    assert_accessible_at_both_widths(page, "journey-lecturer-dashboard")

    # "For you" no longer recommends the community she belongs to now; the challenge stays.
    page.get_by_role("navigation", name="Account").get_by_role("link", name="For you").click()
    expect(page.locator("li.match").filter(has_text=CHALLENGE)).to_have_count(1)
    expect(page.locator("li.match").filter(has_text=COMMUNITY)).to_have_count(0)

    # What communities share: the knowledge base, its list and an item.
    page.get_by_role("link", name="Knowledge base", exact=True).click()
    page.get_by_role("link", name=world["knowledge"].title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world["knowledge"].title)
    assert_accessible_at_both_widths(page, "journey-lecturer-knowledge-detail")
    page.go_back()
    assert_accessible_at_both_widths(page, "journey-lecturer-knowledge-list")
