"""Outside the admin too, a coordinator sees regional data only after the second factor
(`second_factor_for_coordinators` in apps/accounts/middleware.py): insights and their CSV
files, a challenge's matches and status, introductions, the review queues of communities and
organisations, and the overview. Members who do not coordinate never notice."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.http import urlencode

from apps.accounts.middleware import COORDINATOR_CONFIRM_MESSAGE, COORDINATOR_SET_UP_MESSAGE
from apps.challenges.models import ChallengeStatus
from apps.communities.models import JoinRequest
from apps.organisations.models import Membership
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import JoinRequestFactory, LearningCommunityFactory
from tests.matching.factories import IntroductionRequestFactory, MatchFactory
from tests.mfa_helpers import give_totp, login_with_second_factor, totp_code
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(sme):
    """A Zuid-Holland challenge with a match and an introduction, a community with a join
    request, and a request to join the SME: what the region's coordinator works on."""
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.PUBLISHED)
    match = MatchFactory(challenge=challenge)
    introduction = IntroductionRequestFactory(match=match)
    community = LearningCommunityFactory()
    join_request = JoinRequestFactory(community=community)
    MembershipFactory(organisation=sme, state=Membership.State.REQUESTED)
    return {
        "challenge": challenge,
        "introduction": introduction,
        "community": community,
        "join_request": join_request,
    }


def coordinator_pages(region, sme) -> dict[str, str]:
    challenge, community = region["challenge"], region["community"]
    return {
        "insights index": reverse("insights:index"),
        "insights of the hub": reverse("insights:hub", kwargs={"slug": "zuid-holland"}),
        "insights CSV": reverse("insights:csv", kwargs={"slug": "zuid-holland", "table": "topics"}),
        "matches": reverse("challenges:matches", kwargs={"pk": challenge.pk}),
        "challenge status": reverse("challenges:status", kwargs={"pk": challenge.pk}),
        "introduction": reverse("matching:introduction", kwargs={"pk": region["introduction"].pk}),
        "community join requests": reverse("communities:requests", kwargs={"slug": community.slug}),
        "community activity": reverse(
            "communities:activity_create", kwargs={"slug": community.slug}
        ),
        "organisation members": reverse("organisations:members", kwargs={"slug": sme.slug}),
        "overview": reverse("portal:dashboard"),
    }


PAGES = [
    "insights index",
    "insights of the hub",
    "insights CSV",
    "matches",
    "challenge status",
    "introduction",
    "community join requests",
    "community activity",
    "organisation members",
    "overview",
]


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("page", PAGES)
def test_a_coordinator_without_an_authenticator_app_is_sent_to_set_one_up(
    client, coordinator, region, sme, page
):
    client.force_login(coordinator)

    response = client.get(coordinator_pages(region, sme)[page])

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert not response.content
    assert shown_messages(response) == [str(COORDINATOR_SET_UP_MESSAGE)]


@pytest.mark.parametrize("page", PAGES)
def test_a_coordinator_whose_login_had_no_code_is_asked_for_one_then_comes_back(
    client, coordinator, region, sme, page
):
    give_totp(coordinator)
    client.force_login(coordinator)
    url = coordinator_pages(region, sme)[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == (reverse("mfa_reauthenticate") + "?" + urlencode({"next": url}))
    assert shown_messages(response) == [str(COORDINATOR_CONFIRM_MESSAGE)]


@pytest.mark.parametrize("page", PAGES)
def test_a_coordinator_with_the_second_factor_sees_the_page(client, coordinator, region, sme, page):
    login_with_second_factor(client, coordinator)

    assert client.get(coordinator_pages(region, sme)[page]).status_code == 200


@pytest.mark.parametrize("table", ["topics", "participants"])
def test_national_insights_and_their_csv_need_it_too(client, programme_coordinator, table):
    give_totp(programme_coordinator)
    client.force_login(programme_coordinator)

    for url in (
        reverse("insights:national"),
        reverse("insights:csv", kwargs={"table": table}),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_entering_the_code_opens_the_csv(client, coordinator):
    _authenticator, secret = give_totp(coordinator)
    client.force_login(coordinator)
    url = reverse("insights:csv", kwargs={"slug": "zuid-holland", "table": "topics"})

    client.get(url)
    response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret), "next": url})

    assert response.status_code == 302
    assert response["Location"] == url
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_a_decision_sent_without_the_second_factor_changes_nothing(client, coordinator, region):
    give_totp(coordinator)
    client.force_login(coordinator)
    community, join_request = region["community"], region["join_request"]
    queue = reverse("communities:requests", kwargs={"slug": community.slug})

    response = client.post(
        reverse("communities:approve", kwargs={"slug": community.slug, "pk": join_request.pk}),
        HTTP_REFERER=f"http://testserver{queue}",
    )

    assert response.status_code == 302
    # Back to the queue it was sent from after the code, not to a form address.
    assert response["Location"] == (
        reverse("mfa_reauthenticate") + "?" + urlencode({"next": f"http://testserver{queue}"})
    )
    join_request.refresh_from_db()
    assert join_request.state == JoinRequest.State.PENDING


# --- Members who do not coordinate are not asked ---------------------------------------------


def test_a_member_sees_their_own_challenges_matches_and_status_without_a_second_factor(
    client, member, region
):
    client.force_login(member)
    challenge = region["challenge"]

    for url in (
        reverse("challenges:matches", kwargs={"pk": challenge.pk}),
        reverse("challenges:status", kwargs={"pk": challenge.pk}),
        reverse("matching:introduction", kwargs={"pk": region["introduction"].pk}),
        reverse("portal:dashboard"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not shown_messages(response)


def test_an_organisation_administrator_manages_members_without_a_second_factor(client, sme):
    admin = MembershipFactory(organisation=sme, role=Membership.Role.ADMIN).user
    client.force_login(admin)

    response = client.get(reverse("organisations:members", kwargs={"slug": sme.slug}))

    assert response.status_code == 200
