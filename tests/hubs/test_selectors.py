import pytest
from django.contrib.auth.models import AnonymousUser

from apps.challenges.models import Visibility
from apps.hubs.selectors import hub_communities, hub_get, hub_list
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.hubs.factories import make_coordinator
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

anonymous = AnonymousUser()


def test_hub_list_counts_only_what_the_user_may_see(sme, member):
    ChallengeFactory(organisation=sme)
    ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    OrganisationFactory(is_active=False, province_code="NL-ZH")

    for_public = {hub.slug: hub for hub in hub_list(user=anonymous)}
    for_member = {hub.slug: hub for hub in hub_list(user=member)}

    assert len(for_public) == 7
    assert for_public["zuid-holland"].open_challenge_count == 1
    assert for_member["zuid-holland"].open_challenge_count == 2
    assert for_public["zuid-holland"].organisation_count == 1
    assert for_public["brightlands-limburg"].organisation_count == 0


def test_hub_get_gives_named_coordinators_only():
    make_coordinator(UserFactory(full_name="Bram de Boer"), "oost-nederland")
    make_coordinator(UserFactory(full_name=""), "oost-nederland")
    make_coordinator(UserFactory(full_name="Oud-coördinator", is_active=False), "oost-nederland")

    hub = hub_get(slug="oost-nederland")

    assert [person.full_name for person in hub.named_coordinators] == ["Bram de Boer"]
    assert hub_get(slug="nergens") is None


def test_hub_communities_respects_community_visibility():
    public = LearningCommunityFactory(name="Open")
    private = LearningCommunityFactory(name="Besloten", is_public=False)
    insider = CommunityMembershipFactory(community=private).user
    hub = hub_get(slug="zuid-holland")

    assert list(hub_communities(user=anonymous, hub=hub)) == [public]
    assert set(hub_communities(user=insider, hub=hub)) == {public, private}
