import pytest

from apps.communities.models import CommunityMembership, CommunityStatus
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory


@pytest.fixture
def community(member, sme):
    """A public, active community of hub zuid-holland in which `member` is a lecturer."""
    community = LearningCommunityFactory(
        name="Minder verspillen", slug="minder-verspillen", status=CommunityStatus.ACTIVE
    )
    community.organisations.add(sme)
    CommunityMembershipFactory(
        community=community, user=member, organisation=sme, role=CommunityMembership.Role.LECTURER
    )
    return community


@pytest.fixture
def hidden_community(member, sme):
    """A members-only community of hub zuid-holland in which `member` takes part."""
    community = LearningCommunityFactory(
        name="Besloten kring", slug="besloten-kring", is_public=False
    )
    CommunityMembershipFactory(
        community=community,
        user=member,
        organisation=sme,
        role=CommunityMembership.Role.COMPANY_PARTICIPANT,
    )
    return community


@pytest.fixture
def people(member, outsider, coordinator, other_hub_coordinator):
    """The personas by name, for permission tables (None: anonymous)."""
    return {
        "anonymous": None,
        "member": member,
        "outsider": outsider,
        "other_hub_coordinator": other_hub_coordinator,
        "coordinator": coordinator,
    }
