import pytest
from django.contrib.auth.models import AnonymousUser

from apps.accounts.models import Audience, User
from apps.challenges.models import Visibility
from apps.hubs.selectors import hub_get
from apps.portal.selectors import hub_communities, hub_list
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


def test_hub_get_gives_named_coordinators_only(member):
    make_coordinator(UserFactory(full_name="Bram de Boer"), "oost-nederland")
    make_coordinator(UserFactory(full_name=""), "oost-nederland")
    make_coordinator(UserFactory(full_name="Oud-coördinator", is_active=False), "oost-nederland")

    hub = hub_get(slug="oost-nederland", user=member)

    assert [person.full_name for person in hub.named_coordinators] == ["Bram de Boer"]
    assert hub.coordinator_count == 1
    assert hub_get(slug="nergens", user=member) is None


def test_hub_get_names_to_visitors_only_the_coordinators_who_made_their_profile_public():
    make_coordinator(UserFactory(full_name="Bram de Boer"), "oost-nederland")  # members only
    make_coordinator(
        UserFactory(full_name="Carla Public", profile_visibility=Audience.EVERYONE),
        "oost-nederland",
    )
    make_coordinator(
        UserFactory(full_name="Dirk Mail", email_visibility=Audience.EVERYONE), "oost-nederland"
    )
    make_coordinator(
        UserFactory(full_name="Eva Privé", profile_visibility=Audience.ONLY_ME), "oost-nederland"
    )

    hub = hub_get(slug="oost-nederland", user=anonymous)

    assert [person.full_name for person in hub.named_coordinators] == [
        "Carla Public",
        "Dirk Mail",
    ]
    assert hub.coordinator_count == 4


def test_names_shown_to_is_shows_name_to_for_a_list(member):
    people = [
        UserFactory(email_visibility=email, profile_visibility=profile)
        for email in Audience.values
        for profile in Audience.values
    ]
    everyone = User.objects.filter(pk__in=[person.pk for person in people])

    for viewer in (anonymous, member):
        shown = set(everyone.names_shown_to(viewer))
        assert shown == {person for person in people if person.shows_name_to(viewer)}


def test_hub_communities_respects_community_visibility():
    public = LearningCommunityFactory(name="Open")
    private = LearningCommunityFactory(name="Besloten", is_public=False)
    insider = CommunityMembershipFactory(community=private).user
    hub = hub_get(slug="zuid-holland", user=anonymous)

    assert list(hub_communities(user=anonymous, hub=hub)) == [public]
    assert set(hub_communities(user=insider, hub=hub)) == {public, private}
