"""The organisation services enforce what a supplier needs, whoever calls them (the form asks
the same rule: `supplier_profile_problems`)."""

import pytest
from django.core.exceptions import ValidationError

from apps.organisations.services import organisation_create, organisation_update
from apps.taxonomy.models import AITopic, OrganisationKind, Province
from tests.accounts.factories import UserFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def values(kind_slug: str, **extra):
    return {
        "name": "Lectoraat Beeldherkenning",
        "kind": OrganisationKind.objects.get(slug=kind_slug),
        "province": Province.objects.get(code="NL-ZH"),
        **extra,
    }


def test_a_supplier_without_topics_or_capacity_is_refused_by_the_service_itself():
    with pytest.raises(ValidationError) as refused:
        organisation_create(creator=UserFactory(), **values("lectorate", capacity=0))

    assert set(refused.value.message_dict) == {"topics", "capacity"}


def test_a_complete_supplier_and_a_company_without_supply_fields_are_created():
    vision = AITopic.objects.filter(slug="visual-inspection")
    supplier = organisation_create(
        creator=UserFactory(), **values("lectorate", topics=vision, capacity=2)
    )
    company = organisation_create(creator=UserFactory(), **values("sme", name="Bakkerij"))

    assert list(supplier.topics.values_list("slug", flat=True)) == ["visual-inspection"]
    assert company.capacity == 0


def test_an_edit_may_not_empty_what_matching_reads_but_older_profiles_stay_editable():
    supplier = OrganisationFactory(kind_slug="hbo", topics=["nlp"], capacity=2)
    with pytest.raises(ValidationError) as refused:
        organisation_update(organisation=supplier, capacity=0)
    assert set(refused.value.message_dict) == {"capacity"}

    incomplete = OrganisationFactory(kind_slug="hbo", capacity=0)  # from before the rule
    assert organisation_update(organisation=incomplete, website="https://hbo.example") == [
        "website"
    ]
