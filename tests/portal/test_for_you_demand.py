""" "For you" for a company or public organisation (issue 12, item 3): what matters to them is
their challenges' new matches and introductions and the communities in their sector and
region; they are not told to state their AI knowledge, which is for lecturers."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.communities.models import CommunityStatus
from apps.hubs.models import Hub
from apps.matching.models import IntroductionRequest, MatchStatus
from apps.taxonomy.models import Sector
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.matching.factories import IntroductionRequestFactory, MatchFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

FOR_YOU = "/en" + reverse("matching:for_you")


def for_you(client, user):
    client.force_login(user)
    response = client.get(FOR_YOU)
    assert response.status_code == 200
    return response


def test_an_sme_is_not_asked_for_ai_expertise(client, member):
    response = for_you(client, member)
    assert "Tell us what you know about AI" not in response.text
    assert "Add your expertise to your profile" not in response.text
    assert "Your challenges" in response.text


def test_someone_without_an_organisation_or_expertise_is_still_asked_for_it(client):
    from tests.accounts.factories import UserFactory

    response = for_you(client, UserFactory())
    assert "Tell us what you know about AI" in response.text
    assert response.context["demand"] is None


def test_an_sme_sees_the_matches_of_its_challenges_newest_first(client, member, sme):
    challenge = ChallengeFactory(organisation=sme, title="Mails sorteren")
    older = MatchFactory(
        challenge=challenge, organisation=OrganisationFactory(name="Lab Delft", kind_slug="hbo")
    )
    newer = MatchFactory(
        challenge=challenge,
        organisation=OrganisationFactory(name="Hogeschool Leiden", kind_slug="hbo"),
    )
    MatchFactory(
        challenge=challenge,
        status=MatchStatus.DECLINED,
        organisation=OrganisationFactory(name="Afgewezen Lab", kind_slug="hbo"),
    )
    MatchFactory(
        challenge=ChallengeFactory(organisation=OrganisationFactory(kind_slug="sme")),
        organisation=OrganisationFactory(name="Lab van een ander", kind_slug="hbo"),
    )
    newer.computed_at = older.computed_at.replace(year=older.computed_at.year + 1)
    newer.save()

    response = for_you(client, member)
    assert [match.pk for match in response.context["demand"].matches] == [newer.pk, older.pk]
    assert "Hogeschool Leiden" in response.text and "Mails sorteren" in response.text
    assert "Afgewezen Lab" not in response.text
    assert "Lab van een ander" not in response.text
    assert reverse("challenges:matches", kwargs={"pk": challenge.pk}) in response.text


def test_an_sme_sees_the_introductions_of_its_challenges_with_their_state(client, member, sme):
    introduction = IntroductionRequestFactory(
        match=MatchFactory(
            challenge=ChallengeFactory(organisation=sme),
            organisation=OrganisationFactory(name="Hogeschool Leiden", kind_slug="hbo"),
        ),
        state=IntroductionRequest.State.ACCEPTED,
        decided_at=timezone.now(),
    )
    IntroductionRequestFactory()  # of another organisation's challenge

    response = for_you(client, member)
    assert list(response.context["demand"].introductions) == [introduction]
    assert reverse("matching:introduction", kwargs={"pk": introduction.pk}) in response.text
    assert '<span class="badge">Accepted</span>' in response.text


def test_an_sme_sees_communities_in_its_sector_and_region_not_those_it_answered(
    client, member, sme
):
    retail = Sector.objects.get(slug="retail")
    sme.sectors.set([retail])
    LearningCommunityFactory(name="Planning in Zuid-Holland")
    in_sector = LearningCommunityFactory(
        name="Winkels in Groningen", hub=Hub.objects.get(slug="noord-nederland")
    )
    retail_challenge = ChallengeFactory(
        organisation=OrganisationFactory(kind_slug="sme", province_code="NL-GR"),
        province_code="NL-GR",
    )
    retail_challenge.sectors.set([retail])
    in_sector.challenges.add(retail_challenge)
    LearningCommunityFactory(
        name="Robots in Limburg", hub=Hub.objects.get(slug="brightlands-limburg")
    )
    joined = LearningCommunityFactory(name="Al lid in Zuid-Holland")
    CommunityMembershipFactory(community=joined, user=member)
    LearningCommunityFactory(name="Afgerond in Zuid-Holland", status=CommunityStatus.COMPLETED)
    LearningCommunityFactory(name="Besloten in Zuid-Holland", is_public=False)

    response = for_you(client, member)
    names = [community.name for community in response.context["demand"].communities]
    assert names == ["Planning in Zuid-Holland", "Winkels in Groningen"]  # the region first
    assert "Al lid in Zuid-Holland" not in response.text


def test_the_sme_part_takes_the_same_queries_however_much_there_is(
    client, member, sme, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            challenge = ChallengeFactory(organisation=sme)
            IntroductionRequestFactory(match=MatchFactory(challenge=challenge))
            LearningCommunityFactory().challenges.add(challenge)

    client.force_login(member)
    add(1)
    with django_assert_max_num_queries(40) as few:
        client.get(FOR_YOU)
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(FOR_YOU)
    assert len(response.context["demand"].introductions) == 7
