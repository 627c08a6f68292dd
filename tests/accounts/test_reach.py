"""A coordinator's reach, defined once on the user (`User.sees_all_hubs`,
`coordinated_provinces`, `coordinates`) and for any user in `apps.accounts.permissions`."""

import pytest
from django.contrib.auth.models import AnonymousUser

from apps.accounts.permissions import coordinates_region_of, sees_all_hubs
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_a_hub_coordinator_reaches_their_region_only_once_the_second_factor_is_done(
    coordinator,
):
    in_region = ChallengeFactory(province_code="NL-ZH")
    elsewhere = OrganisationFactory(province_code="NL-GR")

    assert coordinator.is_hub_coordinator and not sees_all_hubs(coordinator)
    assert coordinates_region_of(coordinator, in_region)
    assert not coordinates_region_of(coordinator, elsewhere)
    assert set(coordinator.coordinated_provinces().values_list("code", flat=True)) >= {"NL-ZH"}

    coordinator.coordinator_reach_confirmed = False  # signed in without the code yet
    assert coordinator.is_hub_coordinator  # the role stays: it is what asks for the code
    assert not coordinates_region_of(coordinator, in_region)
    assert not coordinator.coordinated_provinces().exists()


def test_a_programme_coordinator_reaches_every_province_and_a_visitor_none(
    programme_coordinator,
):
    groningen = OrganisationFactory(province_code="NL-GR")

    assert programme_coordinator.sees_all_hubs and sees_all_hubs(programme_coordinator)
    assert coordinates_region_of(programme_coordinator, groningen)
    assert not programme_coordinator.is_hub_coordinator
    assert not sees_all_hubs(AnonymousUser())
    assert not coordinates_region_of(AnonymousUser(), groningen)


def test_a_member_reaches_nothing(member):
    assert not member.sees_all_hubs and not member.is_hub_coordinator
    assert not coordinates_region_of(member, ChallengeFactory(province_code="NL-ZH"))
