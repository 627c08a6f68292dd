"""Every page that names a person follows `User.shows_name_to`: signed-in members see the name
where they may open the page, visitors only when the person made part of their profile public.

One scenario per template that renders someone else's name. Each puts a person with a
recognisable name on the page and says which personas may open it; then every persona looks:
the name shows exactly when the persona may open the page *and* may see the name."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from apps.accounts.models import Audience
from apps.challenges.models import ChallengeStatus
from apps.communities.models import CommunityInvitation, CommunityMembership
from apps.organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory, ChallengeInterestFactory
from tests.communities.factories import (
    CommunityMembershipFactory,
    JoinRequestFactory,
    LearningCommunityFactory,
    LearningRecordFactory,
    UpdateFactory,
)
from tests.hubs.factories import make_coordinator
from tests.knowledge.factories import KnowledgeItemFactory
from tests.matching.factories import IntroductionRequestFactory, MatchFactory
from tests.mfa_helpers import sign_in
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NAME = "Zwaantje Onvindbaar"
SIGNED_IN = ("member", "outsider", "other_hub_coordinator", "coordinator", "admin")
EVERYONE = ("anonymous", *SIGNED_IN)

# How much of their profile the named person shares.
PROFILES = {
    "members-only": {},  # the defaults: profile for members, email for nobody
    "private": {"profile_visibility": Audience.ONLY_ME},
    "public": {"profile_visibility": Audience.EVERYONE},
}


@dataclass
class Page:
    url: str
    may_open: tuple[str, ...]


@pytest.fixture
def personas(member, outsider, other_hub_coordinator, coordinator, sme):
    """`member` is in the SME (Zuid-Holland), `outsider` in another organisation and region,
    `other_hub_coordinator` coordinates Noord-Nederland, `coordinator` Zuid-Holland, and
    `admin` administers the SME."""
    admin = MembershipFactory(organisation=sme, role=Membership.Role.ADMIN).user
    return {
        "anonymous": AnonymousUser(),
        "member": member,
        "outsider": outsider,
        "other_hub_coordinator": other_hub_coordinator,
        "coordinator": coordinator,
        "admin": admin,
    }


def community_url(community):
    return reverse("communities:detail", kwargs={"slug": community.slug})


# --- One scenario per template that names someone ------------------------------------------


def hub_coordinators(person, personas, sme) -> Page:  # portal/hub_detail.html
    make_coordinator(person, "zuid-holland")
    return Page(reverse("hubs:detail", kwargs={"slug": "zuid-holland"}), EVERYONE)


def community_members(person, personas, sme) -> Page:  # communities/community_detail.html
    membership = CommunityMembershipFactory(user=person)
    return Page(community_url(membership.community), EVERYONE)


def community_update_author(person, personas, sme) -> Page:
    update = UpdateFactory(author=person)
    return Page(community_url(update.community), EVERYONE)


def community_learning_record(person, personas, sme) -> Page:
    membership = CommunityMembershipFactory(user=person)
    LearningRecordFactory(community=membership.community, user=person)
    return Page(community_url(membership.community), EVERYONE)


def knowledge_author(person, personas, sme) -> Page:  # knowledge/knowledge_detail.html
    item = KnowledgeItemFactory(author=person)
    return Page(reverse("knowledge:detail", kwargs={"slug": item.slug}), EVERYONE)


def person_page(person, personas, sme) -> Page:  # portal/person.html
    return Page(reverse("portal:person", kwargs={"pk": person.pk}), EVERYONE)


def invitation_sender(person, personas, sme) -> Page:  # communities/invitation.html
    invitation = CommunityInvitation.objects.create(
        community=LearningCommunityFactory(),
        user=personas["member"],
        role=CommunityMembership.Role.COMPANY_PARTICIPANT,
        invited_by=person,
    )
    return Page(reverse("communities:invitation", kwargs={"pk": invitation.pk}), ("member",))


def join_request_queue(person, personas, sme) -> Page:  # communities/join_requests.html
    join_request = JoinRequestFactory(user=person)
    return Page(
        reverse("communities:requests", kwargs={"slug": join_request.community.slug}),
        ("coordinator",),
    )


def organisation_members(person, personas, sme) -> Page:  # organisations/organisation_members
    MembershipFactory(organisation=sme, user=person, state=Membership.State.REQUESTED)
    return Page(
        reverse("organisations:members", kwargs={"slug": sme.slug}), ("admin", "coordinator")
    )


def dashboard_requests(person, personas, sme) -> Page:  # portal/_dashboard_requests.html
    MembershipFactory(organisation=sme, user=person, state=Membership.State.REQUESTED)
    return Page(reverse("portal:dashboard"), ("admin",))


def challenge_interest(person, personas, sme) -> Page:  # matching/challenge_matches.html
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.PUBLISHED)
    ChallengeInterestFactory(challenge=challenge, user=person)
    return Page(
        reverse("challenges:matches", kwargs={"pk": challenge.pk}),
        ("member", "admin", "coordinator"),
    )


def introduction_requester(person, personas, sme) -> Page:  # matching/introduction_detail
    MembershipFactory(organisation=sme, user=person)
    match = MatchFactory(challenge=ChallengeFactory(organisation=sme))
    introduction = IntroductionRequestFactory(match=match, requested_by=person)
    return Page(
        reverse("matching:introduction", kwargs={"pk": introduction.pk}),
        ("member", "admin", "coordinator"),
    )


SCENARIOS = [
    hub_coordinators,
    community_members,
    community_update_author,
    community_learning_record,
    knowledge_author,
    person_page,
    invitation_sender,
    join_request_queue,
    organisation_members,
    dashboard_requests,
    challenge_interest,
    introduction_requester,
]


def look(client, viewer, url):
    client.logout()
    if viewer.is_authenticated:
        sign_in(client, viewer)
    return client.get(url)


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.__name__)
def test_a_name_shows_only_to_those_who_may_see_it(client, personas, sme, scenario, profile):
    person = UserFactory(full_name=NAME, **PROFILES[profile])
    page = scenario(person, personas, sme)

    for persona, viewer in personas.items():
        response = look(client, viewer, page.url)
        expected = persona in page.may_open and person.shows_name_to(viewer)
        assert (NAME in response.content.decode()) == expected, (persona, response.status_code)
        if expected:
            assert response.status_code == 200, persona
