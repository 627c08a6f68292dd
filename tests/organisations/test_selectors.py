import pytest
from django.contrib.auth.models import AnonymousUser

from apps.hubs.models import Hub
from apps.organisations.selectors import (
    organisation_get_visible,
    organisation_list,
    organisation_list_for_hub,
)
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

anonymous = AnonymousUser()


def names(queryset):
    return [organisation.name for organisation in queryset]


def test_list_is_visible_organisations_by_name():
    OrganisationFactory(name="B")
    OrganisationFactory(name="A")
    hidden = OrganisationFactory(name="C", is_active=False)
    member = MembershipFactory(organisation=hidden).user

    assert names(organisation_list(user=anonymous)) == ["A", "B"]
    assert names(organisation_list(user=member)) == ["A", "B", "C"]


def test_topic_filter_with_group_matches_organisations_on_its_leaves():
    OrganisationFactory(name="Leaf", topics=["nlp"])
    OrganisationFactory(name="Group", topics=["language"])
    OrganisationFactory(name="Other", topics=["ml"])

    assert names(organisation_list(user=anonymous, filters={"topic": "language"})) == [
        "Group",
        "Leaf",
    ]


def test_get_visible_hides_inactive_parent_and_children_from_the_public():
    hidden_parent = OrganisationFactory(name="Oud moederbedrijf", is_active=False)
    organisation = OrganisationFactory(parent=hidden_parent)
    OrganisationFactory(name="Actief kind", parent=organisation)
    OrganisationFactory(name="Slapend kind", parent=organisation, is_active=False)

    found = organisation_get_visible(user=anonymous, slug=organisation.slug)

    assert found.parent is None
    assert names(found.visible_children) == ["Actief kind"]
    assert organisation_get_visible(user=anonymous, slug=hidden_parent.slug) is None


def test_list_for_hub_is_the_hubs_provinces():
    OrganisationFactory(name="Groningen", province_code="NL-GR")
    OrganisationFactory(name="Drenthe", province_code="NL-DR")
    OrganisationFactory(name="Utrecht", province_code="NL-UT")
    hub = Hub.objects.get(slug="noord-nederland")
    assert names(organisation_list_for_hub(user=anonymous, hub=hub)) == ["Drenthe", "Groningen"]
