"""The community page: what it shows to whom, and at a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from apps.challenges.models import Visibility
from apps.communities.models import CommunityMembership
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import (
    ActivityFactory,
    CommunityMembershipFactory,
    JoinRequestFactory,
    LearningRecordFactory,
    UpdateFactory,
)
from tests.communities.helpers import english_page
from tests.knowledge.factories import KnowledgeItemFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_page_shows_goal_objectives_hub_and_status_in_words(client, community):
    community.learning_objectives = "Ondernemers leren een voorspelling lezen."
    community.save()
    response = client.get(english_page(community))
    assert response.status_code == 200
    text = response.text
    assert community.goal in text
    assert "Ondernemers leren een voorspelling lezen." in text
    assert community.hub.name in text
    assert "Status:" in text and "Active" in text


def test_members_are_grouped_by_role_with_organisation_and_without_email(
    client, community, member, sme
):
    lab = OrganisationFactory(name="AI-lab Delft", kind_slug="innovation-lab")
    researcher = CommunityMembershipFactory(
        community=community, organisation=lab, role=CommunityMembership.Role.RESEARCHER
    ).user
    nameless = CommunityMembershipFactory(
        community=community, user=UserFactory(full_name=""), role=CommunityMembership.Role.STUDENT
    ).user

    response = client.get(english_page(community))

    groups = {group.role: group for group in response.context["page"].member_groups}
    assert [m.user for m in groups["lecturer"].memberships] == [member]
    assert [m.user for m in groups["researcher"].memberships] == [researcher]
    assert "AI-lab Delft" in response.text
    assert sme.name in response.text
    for person in (member, researcher, nameless):
        assert person.email not in response.text


def test_challenges_are_shown_only_when_visible_to_the_viewer(
    client, community, sme, outsider, member
):
    open_challenge = ChallengeFactory(organisation=sme, title="Minder brood weggooien")
    regional = ChallengeFactory(
        organisation=sme, title="Alleen voor de regio", visibility=Visibility.HUB
    )
    community.challenges.add(open_challenge, regional)

    client.force_login(outsider)
    text = client.get(community.get_absolute_url()).text
    assert "Minder brood weggooien" in text
    assert "Alleen voor de regio" not in text

    client.force_login(member)
    assert "Alleen voor de regio" in client.get(community.get_absolute_url()).text


def test_anonymous_visitor_is_invited_to_log_in_to_join(client, community):
    response = client.get(english_page(community))
    assert "Log in to ask to join" in response.text
    assert "Post update" not in response.text


def test_outsider_sees_ask_to_join_and_member_sees_member_actions(
    client, community, outsider, member
):
    client.force_login(outsider)
    outsider_page = client.get(english_page(community)).text
    assert "Ask to join" in outsider_page
    assert "Add a result" not in outsider_page

    client.force_login(member)
    member_page = client.get(english_page(community)).text
    assert "You are a member of this community" in member_page
    assert "Ask to join" not in member_page
    assert "Add a result" in member_page
    assert "Write down what I learned" in member_page
    assert "Plan an activity" not in member_page


def test_coordinator_sees_pending_request_count(client, community, coordinator):
    JoinRequestFactory.create_batch(2, community=community)
    client.force_login(coordinator)
    response = client.get(english_page(community))
    assert response.context["pending_count"] == 2
    assert "Plan an activity" in response.text


def fill(community, count):
    now = timezone.now()
    for n in range(count):
        organisation = OrganisationFactory()
        membership = CommunityMembershipFactory(community=community, organisation=organisation)
        community.organisations.add(organisation)
        UpdateFactory(community=community, author=membership.user, body=f"**Nieuws** {n}")
        ActivityFactory(community=community, starts_at=now + datetime.timedelta(days=n + 1))
        ActivityFactory(community=community, starts_at=now - datetime.timedelta(days=n + 1))
        KnowledgeItemFactory(source_community=community, author=membership.user)
        LearningRecordFactory(community=community, user=membership.user)
        community.challenges.add(ChallengeFactory())


@pytest.mark.parametrize("viewer", ["anonymous", "member", "coordinator"])
def test_page_query_count_does_not_grow_with_members_and_updates(
    client, community, viewer, member, coordinator, django_assert_max_num_queries
):
    if viewer == "member":
        client.force_login(member)
    elif viewer == "coordinator":
        client.force_login(coordinator)
    url = community.get_absolute_url()

    fill(community, 3)
    with django_assert_max_num_queries(16) as few:
        client.get(url)
    fill(community, 22)
    with django_assert_max_num_queries(16) as many:
        response = client.get(url)

    assert response.context["page"].member_count == 26
    assert len(response.context["page"].updates) == 10
    assert len(many.captured_queries) == len(few.captured_queries)


def test_visitor_sees_no_names_of_people_who_keep_their_profile_private(client, community):
    """The privacy page promises visitors see a name only if the person made part of their
    profile public; members, update authors and learning records all carry names."""
    private = UserFactory(full_name="Geheime Deelnemer")  # defaults: email only-me, profile members
    public = UserFactory(full_name="Open Deelnemer", profile_visibility="everyone")
    for person in (private, public):
        CommunityMembershipFactory(community=community, user=person)
        UpdateFactory(community=community, author=person)
        LearningRecordFactory(community=community, user=person)

    visitor_page = client.get(english_page(community)).text
    assert "Geheime Deelnemer" not in visitor_page
    assert "Open Deelnemer" in visitor_page

    client.force_login(UserFactory())
    assert "Geheime Deelnemer" in client.get(english_page(community)).text
