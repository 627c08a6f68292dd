"""The "Hub coordinators" group and how someone becomes a coordinator from the hub admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from apps.hubs.models import HubCoordinator
from apps.hubs.services import (
    COORDINATOR_GROUP_NAME,
    coordinator_group_ensure,
    hub_coordinator_add,
    hub_coordinator_remove,
)
from tests.accounts.factories import UserFactory
from tests.hubs.factories import hub
from tests.mfa_helpers import login_with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    """URLs and labels in the default language, whatever an earlier test activated."""
    with translation.override("nl"):
        yield


def codenames(group):
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_coordinator_group_ensure_is_idempotent():
    first = coordinator_group_ensure()
    second = coordinator_group_ensure()
    assert first == second
    assert Group.objects.filter(name=COORDINATOR_GROUP_NAME).count() == 1
    assert codenames(first) == codenames(second)


def test_coordinator_group_edits_regional_work_and_only_views_reference_data():
    granted = codenames(coordinator_group_ensure())
    for app_label, model in [
        ("organisations", "organisation"),
        ("organisations", "membership"),
        ("challenges", "challenge"),
        ("matching", "match"),
        ("communities", "learningcommunity"),
        ("communities", "communitymembership"),
        ("communities", "joinrequest"),
        ("communities", "activity"),
        ("communities", "update"),
        ("knowledge", "knowledgeitem"),
    ]:
        for action in ("view", "add", "change"):
            assert (app_label, f"{action}_{model}") in granted
        assert (app_label, f"delete_{model}") not in granted
    for app_label, model in [
        ("taxonomy", "province"),
        ("taxonomy", "aitopic"),
        ("taxonomy", "sector"),
        ("taxonomy", "format"),
        ("taxonomy", "organisationkind"),
        ("hubs", "hub"),
        ("accounts", "user"),
    ]:
        assert (app_label, f"view_{model}") in granted
        assert (app_label, f"change_{model}") not in granted


def test_coordinator_group_ensure_repairs_a_tampered_group():
    group = coordinator_group_ensure()
    group.permissions.clear()
    assert codenames(coordinator_group_ensure()) == codenames(group) != set()


def test_hub_coordinator_add_gives_admin_access_and_remove_takes_the_group_away():
    person = UserFactory()
    hub_coordinator_add(hub=hub("zuid-holland"), user=person)
    person.refresh_from_db()
    assert person.is_staff
    assert person.groups.filter(name=COORDINATOR_GROUP_NAME).exists()

    hub_coordinator_remove(hub=hub("zuid-holland"), user=person)
    assert not HubCoordinator.objects.filter(user=person).exists()
    assert not person.groups.filter(name=COORDINATOR_GROUP_NAME).exists()


def test_adding_a_coordinator_in_the_hub_admin_uses_the_service(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    person = UserFactory()
    zuid_holland = hub("zuid-holland")
    login_with_second_factor(client, superuser)
    response = client.post(
        reverse("admin:hubs_hub_change", args=[zuid_holland.pk]),
        {
            "name": zuid_holland.name,
            "provinces": list(zuid_holland.provinces.values_list("pk", flat=True)),
            "website": "",
            "description_nl": zuid_holland.description_nl,
            "description_en": zuid_holland.description_en,
            "coordinator_links-TOTAL_FORMS": "1",
            "coordinator_links-INITIAL_FORMS": "0",
            "coordinator_links-MIN_NUM_FORMS": "0",
            "coordinator_links-MAX_NUM_FORMS": "1000",
            "coordinator_links-0-user": person.pk,
            "coordinator_links-0-hub": zuid_holland.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert HubCoordinator.objects.filter(hub=zuid_holland, user=person).exists()
    assert person.is_staff
    assert person.groups.filter(name=COORDINATOR_GROUP_NAME).exists()


def test_hub_coordinator_views_own_hub_but_cannot_change_it(client, coordinator):
    coordinator.groups.add(coordinator_group_ensure())
    login_with_second_factor(client, coordinator)
    response = client.get(reverse("admin:hubs_hub_change", args=[hub("zuid-holland").pk]))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_migrate_refreshes_the_coordinator_group():
    from django.contrib.auth.models import Group

    from apps.hubs.apps import refresh_coordinator_group
    from apps.hubs.services import COORDINATOR_GROUP_NAME

    Group.objects.filter(name=COORDINATOR_GROUP_NAME).delete()
    refresh_coordinator_group(sender=None)
    granted = codenames(Group.objects.get(name=COORDINATOR_GROUP_NAME))
    assert {
        ("communities", "view_learningrecord"),
        ("matching", "view_introductionrequest"),
        ("challenges", "view_challengeinterest"),
    } <= granted
