"""A hub coordinator's reach in the admin stops at their hubs' borders, for every model and
every way in: the changelist, the change, history and delete pages (also by guessing another
region's ids), admin actions, and the autocomplete of every relation. A programme coordinator,
without being a superuser, works nationally.

The matrix comes from the admin registry: every ModelAdmin that is hub-scoped
(`HubScopedAdminMixin`) is tested here, so a new one is covered as soon as it is registered
(the test then asks for a maker below). Every other registered model must be named in
`NOT_REGION_BOUND` with the reason it is not scoped.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Model
from django.urls import reverse
from django.utils import translation

from apps.accounts.admin_scope import HubScopedAdminMixin
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.challenges.models import Challenge, ChallengeStatus, ChallengeToReview
from apps.communities.models import CommunityInvitation, CommunityMembership
from apps.hubs.services import (
    PROGRAMME_COORDINATOR_GROUP_NAME,
    hub_coordinator_add,
    programme_coordinator_set,
)
from apps.matching.models import MatchRun
from apps.organisations.models import OrganisationToVerify
from apps.taxonomy.models import Province
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory, ChallengeInterestFactory
from tests.communities.factories import (
    ActivityFactory,
    CommunityMembershipFactory,
    JoinRequestFactory,
    LearningCommunityFactory,
    LearningRecordFactory,
    UpdateFactory,
)
from tests.hubs.factories import hub
from tests.knowledge.factories import KnowledgeItemFactory
from tests.matching.factories import IntroductionRequestFactory, MatchFactory
from tests.mfa_helpers import login_with_second_factor
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

OWN_HUB, OWN_PROVINCE = "zuid-holland", "NL-ZH"
OTHER_HUB, OTHER_PROVINCE = "noord-nederland", "NL-GR"


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


# --- One object per region, for every hub-scoped model ---------------------------------------


def _challenge(hub_slug: str, province_code: str):
    organisation = OrganisationFactory(province_code=province_code)
    return ChallengeFactory(organisation=organisation, province_code=province_code)


def _match(hub_slug: str, province_code: str):
    return MatchFactory(
        challenge=_challenge(hub_slug, province_code),
        organisation=OrganisationFactory(kind_slug="hbo", province_code=province_code),
    )


def _community(hub_slug: str, province_code: str):
    return LearningCommunityFactory(hub=hub(hub_slug))


def _in_community(factory) -> Callable:
    return lambda hub_slug, province_code: factory(community=_community(hub_slug, province_code))


def _submitted_challenge(hub_slug: str, province_code: str):
    challenge = _challenge(hub_slug, province_code)
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.SUBMITTED)
    return ChallengeToReview.objects.get(pk=challenge.pk)


def _invitation(hub_slug: str, province_code: str):
    return CommunityInvitation.objects.create(
        community=_community(hub_slug, province_code),
        user=UserFactory(),
        organisation=OrganisationFactory(province_code=province_code),
        role=CommunityMembership.Role.LECTURER,
    )


def _hub_match_run(hub_slug: str, province_code: str):
    return MatchRun.objects.create(kind=MatchRun.Kind.HUB, hub=hub(hub_slug))


def _audit_event(hub_slug: str, province_code: str):
    return audit_record(
        actor=None,
        action=AuditAction.CHALLENGE_CLOSED,
        target=_challenge(hub_slug, province_code),
    )


# model label -> make(hub_slug, province_code): one object that lies in that region.
REGION_OBJECT_MAKERS: dict[str, Callable[[str, str], Model]] = {
    "accounts.User": lambda hub_slug, code: UserFactory(province=Province.objects.get(code=code)),
    "hubs.Hub": lambda hub_slug, code: hub(hub_slug),
    "organisations.Organisation": lambda hub_slug, code: OrganisationFactory(province_code=code),
    "organisations.OrganisationToVerify": lambda hub_slug, code: OrganisationToVerify.objects.get(
        pk=OrganisationFactory(province_code=code, verified_at=None).pk
    ),
    "organisations.Membership": lambda hub_slug, code: MembershipFactory(
        organisation=OrganisationFactory(province_code=code)
    ),
    "challenges.Challenge": _challenge,
    "challenges.ChallengeToReview": _submitted_challenge,
    "challenges.ChallengeInterest": lambda hub_slug, code: ChallengeInterestFactory(
        challenge=_challenge(hub_slug, code)
    ),
    "matching.Match": _match,
    "matching.IntroductionRequest": lambda hub_slug, code: IntroductionRequestFactory(
        match=_match(hub_slug, code)
    ),
    "matching.MatchRun": _hub_match_run,
    "communities.LearningCommunity": _community,
    "communities.CommunityMembership": _in_community(CommunityMembershipFactory),
    "communities.JoinRequest": _in_community(JoinRequestFactory),
    "communities.Activity": _in_community(ActivityFactory),
    "communities.Update": _in_community(UpdateFactory),
    "communities.LearningRecord": _in_community(LearningRecordFactory),
    "communities.CommunityInvitation": _invitation,
    "knowledge.KnowledgeItem": lambda hub_slug, code: KnowledgeItemFactory(
        source_community=_community(hub_slug, code)
    ),
    "audit.AuditEvent": _audit_event,
}

# Registered models that are deliberately not scoped to a region, and why. A hub coordinator
# either reads them as national reference data or has no permission on them at all.
NOT_REGION_BOUND: dict[str, str] = {
    "taxonomy.Province": "reference data, the same for every hub",
    "taxonomy.AITopic": "reference data",
    "taxonomy.Sector": "reference data",
    "taxonomy.Format": "reference data",
    "taxonomy.OrganisationKind": "reference data",
    "auth.Group": "permission groups: superusers only",
    "account.EmailAddress": "people's addresses: superusers only",
    "mfa.Authenticator": "second factors: superusers only",
    "socialaccount.SocialAccount": "SURFconext links of people: superusers only",
    "socialaccount.SocialApp": "the SURFconext client comes from the environment: superusers only",
    "socialaccount.SocialToken": "sign-in tokens are not stored (SOCIALACCOUNT_STORE_TOKENS)",
    "django_celery_beat.PeriodicTask": "the schedule: superusers only",
    "django_celery_beat.ClockedSchedule": "the schedule: superusers only",
    "django_celery_beat.CrontabSchedule": "the schedule: superusers only",
    "django_celery_beat.SolarSchedule": "the schedule: superusers only",
    "django_celery_beat.IntervalSchedule": "the schedule: superusers only",
    "notifications.Notification": "a person's own messages: superusers only",
    "notifications.NotificationPreference": "a person's own settings: superusers only",
}
# Of those, what a hub coordinator may read (all of it: it is not region-bound).
READABLE_BY_HUB_COORDINATORS = {
    "taxonomy.Province",
    "taxonomy.AITopic",
    "taxonomy.Sector",
    "taxonomy.Format",
    "taxonomy.OrganisationKind",
}

# Admins that scope rows with a get_queryset of their own instead of HubScopedAdminMixin.
SCOPED_BY_OWN_QUERYSET = {"matching.MatchRun"}

REGISTRY = admin.site._registry
SCOPED_MODELS = sorted(
    (
        model
        for model, model_admin in REGISTRY.items()
        if isinstance(model_admin, HubScopedAdminMixin)
        or model._meta.label in SCOPED_BY_OWN_QUERYSET
    ),
    key=lambda model: model._meta.label,
)
UNSCOPED_MODELS = sorted(
    (model for model in REGISTRY if model not in SCOPED_MODELS),
    key=lambda model: model._meta.label,
)


def label(model) -> str:
    return model._meta.label


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def snapshot(obj: Model) -> dict | None:
    """The row as stored (None once deleted): what "changes nothing" compares."""
    return type(obj)._default_manager.filter(pk=obj.pk).values().first()


@pytest.fixture
def hub_coordinator():
    user = UserFactory(full_name="Coördinator Zuid-Holland")
    hub_coordinator_add(hub=hub(OWN_HUB), user=user)
    return user


@pytest.fixture
def coordinator_client(client, hub_coordinator):
    login_with_second_factor(client, hub_coordinator)
    return client


def region_objects(model) -> tuple[Model, Model]:
    make = REGION_OBJECT_MAKERS.get(label(model))
    if make is None:
        pytest.fail(
            f"{label(model)} is hub-scoped in the admin but has no maker in "
            "REGION_OBJECT_MAKERS: add one so its scoping is tested."
        )
    return make(OWN_HUB, OWN_PROVINCE), make(OTHER_HUB, OTHER_PROVINCE)


def changelist_pks(client, model) -> set:
    response = client.get(url(model, "changelist"))
    assert response.status_code == 200, label(model)
    return {obj.pk for obj in response.context["cl"].result_list}


# --- The registry is covered ------------------------------------------------------------------


def test_every_registered_model_is_scoped_or_named_as_not_region_bound():
    unexplained = {label(model) for model in UNSCOPED_MODELS} - set(NOT_REGION_BOUND)
    assert not unexplained, (
        "Scope these admins (HubScopedAdminMixin, or a get_queryset of their own listed in "
        f"SCOPED_BY_OWN_QUERYSET) or explain them in NOT_REGION_BOUND: {unexplained}"
    )
    assert not {label(model) for model in SCOPED_MODELS} & set(NOT_REGION_BOUND)


def test_every_scoped_model_has_a_region_object_maker():
    missing = {label(model) for model in SCOPED_MODELS} - set(REGION_OBJECT_MAKERS)
    assert not missing, f"Add makers to REGION_OBJECT_MAKERS for {missing}"


@pytest.mark.parametrize("model", UNSCOPED_MODELS, ids=label)
def test_hub_coordinator_reads_unscoped_models_only_when_they_are_reference_data(
    coordinator_client, model
):
    status = coordinator_client.get(url(model, "changelist")).status_code
    expected = 200 if label(model) in READABLE_BY_HUB_COORDINATORS else 403
    assert status == expected


# --- Per model and per action: a hub coordinator ---------------------------------------------


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=label)
def test_changelist_lists_only_the_own_regions_object(coordinator_client, model):
    own, other = region_objects(model)
    listed = changelist_pks(coordinator_client, model)
    assert own.pk in listed
    assert other.pk not in listed


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=label)
@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_pages_of_another_regions_object_are_not_served(coordinator_client, model, view):
    own, other = region_objects(model)
    before = snapshot(other)

    response = coordinator_client.get(url(model, view, other.pk))

    # Django's admin answers an object outside the queryset like a missing one: a redirect
    # to the index ("doesn't exist"); a delete page checks the permission first (403).
    assert response.status_code in (302, 403, 404), response.status_code
    if response.status_code == 302:
        assert response["Location"] == reverse("admin:index")
    assert str(other).encode() not in response.content or not response.content
    assert snapshot(other) == before
    if view != "delete":
        assert coordinator_client.get(url(model, view, own.pk)).status_code == 200


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=label)
def test_posting_to_another_regions_object_changes_nothing(coordinator_client, model):
    _own, other = region_objects(model)
    before = snapshot(other)
    for view, data in (("change", {"_save": "1"}), ("delete", {"post": "yes"})):
        response = coordinator_client.post(url(model, view, other.pk), data)
        assert response.status_code in (302, 403, 404), (view, response.status_code)
        if response.status_code == 302:
            assert response["Location"] == reverse("admin:index")
    assert snapshot(other) == before


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=label)
def test_admin_actions_on_another_regions_id_change_nothing(coordinator_client, model):
    _own, other = region_objects(model)
    before = snapshot(other)
    page = coordinator_client.get(url(model, "changelist"))
    actions = REGISTRY[model].get_actions(page.wsgi_request)

    for action in actions:
        response = coordinator_client.post(
            url(model, "changelist"),
            {
                "action": action,
                ACTION_CHECKBOX_NAME: [other.pk],
                "index": "0",
                # What confirmation steps ask for, so an action would go all the way.
                "post": "yes",
                "apply": "yes",
                "confirm": "yes",
                "reason": "Buiten de regio.",
            },
        )
        assert response.status_code in (200, 302, 403), (action, response.status_code)
        assert snapshot(other) == before, action


def autocomplete_sources(target) -> list[tuple[type[Model], str]]:
    """Every (model, field) whose admin offers `target` through autocomplete."""
    sources = []
    for source, model_admin in REGISTRY.items():
        for field_name in model_admin.autocomplete_fields:
            if source._meta.get_field(field_name).remote_field.model is target:
                sources.append((source, field_name))
    return sources


def autocomplete_ids(client, source, field_name) -> set[str] | None:
    """All ids the autocomplete offers (every page); None when it refuses (403)."""
    found: set[str] = set()
    page = 1
    while True:
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": source._meta.app_label,
                "model_name": source._meta.model_name,
                "field_name": field_name,
                "term": "",
                "page": page,
            },
        )
        if response.status_code == 403:
            return None
        assert response.status_code == 200
        data = json.loads(response.content)
        found |= {result["id"] for result in data["results"]}
        if not data["pagination"]["more"]:
            return found
        page += 1


AUTOCOMPLETE_TARGETS = [model for model in SCOPED_MODELS if autocomplete_sources(model)]


def test_autocomplete_targets_are_found():
    """The matrix below is not empty by accident."""
    assert {label(model) for model in AUTOCOMPLETE_TARGETS} >= {
        "accounts.User",
        "organisations.Organisation",
        "communities.LearningCommunity",
    }


@pytest.mark.parametrize("model", AUTOCOMPLETE_TARGETS, ids=label)
def test_autocomplete_does_not_offer_another_regions_objects(coordinator_client, model):
    own, other = region_objects(model)
    for source, field_name in autocomplete_sources(model):
        offered = autocomplete_ids(coordinator_client, source, field_name)
        if offered is None:
            continue
        assert str(other.pk) not in offered, (label(source), field_name)
        assert str(own.pk) in offered, (label(source), field_name)


# --- A programme coordinator works nationally, without being a superuser ---------------------


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=label)
def test_programme_coordinator_sees_both_regions(client, programme_coordinator, model):
    assert not programme_coordinator.is_superuser
    own, other = region_objects(model)
    login_with_second_factor(client, programme_coordinator)
    assert {own.pk, other.pk} <= changelist_pks(client, model)
    assert client.get(url(model, "change", other.pk)).status_code == 200


def test_programme_coordinator_sees_every_hubs_challenges_and_a_hub_coordinator_does_not(
    client, programme_coordinator, hub_coordinator
):
    challenges = [
        _challenge(hub_slug, code)
        for hub_slug, code in (
            (OWN_HUB, OWN_PROVINCE),
            (OTHER_HUB, OTHER_PROVINCE),
            ("brightlands-limburg", "NL-LI"),
        )
    ]
    login_with_second_factor(client, programme_coordinator)
    assert changelist_pks(client, Challenge) == {challenge.pk for challenge in challenges}

    client.logout()
    login_with_second_factor(client, hub_coordinator)
    assert changelist_pks(client, Challenge) == {challenges[0].pk}


def test_programme_coordinator_curates_knowledge_items_of_any_hub(client, programme_coordinator):
    item = KnowledgeItemFactory(source_community=_community(OTHER_HUB, OTHER_PROVINCE))
    login_with_second_factor(client, programme_coordinator)
    response = client.get(url(type(item), "change", item.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"]


def test_programme_coordinator_follows_recomputes_but_does_not_manage_accounts(
    client, programme_coordinator, member
):
    login_with_second_factor(client, programme_coordinator)
    assert client.get(url(MatchRun, "changelist")).status_code == 200
    response = client.get(url(type(member), "change", member.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_setting_a_programme_coordinator_gives_staff_access_and_the_group():
    person = UserFactory()
    programme_coordinator_set(user=person, enabled=True)
    person.refresh_from_db()
    assert person.is_programme_coordinator and person.is_staff and not person.is_superuser
    assert person.groups.filter(name=PROGRAMME_COORDINATOR_GROUP_NAME).exists()
    assert person.has_perm("knowledge.change_knowledgeitem")
    assert person.has_perm("challenges.change_challenge")
    assert not person.has_perm("accounts.change_user")

    programme_coordinator_set(user=person, enabled=True)  # twice is the same as once
    assert person.groups.filter(name=PROGRAMME_COORDINATOR_GROUP_NAME).count() == 1


def test_ending_a_programme_coordinator_removes_the_national_reach(client):
    person = programme_coordinator_set(user=UserFactory(), enabled=True)
    programme_coordinator_set(user=person, enabled=False)
    person = type(person).objects.get(pk=person.pk)
    assert not person.is_programme_coordinator
    assert not person.groups.filter(name=PROGRAMME_COORDINATOR_GROUP_NAME).exists()
    assert person.is_staff  # may be staff for another reason, as with hub coordinators
    _challenge(OTHER_HUB, OTHER_PROVINCE)
    login_with_second_factor(client, person)
    assert client.get(url(Challenge, "changelist")).status_code == 403
