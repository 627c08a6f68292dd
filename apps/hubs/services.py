"""Writes for hubs: the coordinators' permission groups, who coordinates which hub and who
works for the whole programme."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from apps.accounts.models import User

from .models import Hub, HubCoordinator

COORDINATOR_GROUP_NAME = "Hub coordinators"

_EDIT = ("view", "add", "change")
_VIEW = ("view",)

# Model permissions of the "Hub coordinators" group. Which rows they reach is decided by
# `apps.accounts.permissions` (their hubs' provinces); these only say what they may do there.
# Nothing is deletable: a coordinator closes or deactivates instead. People are view-only
# (needed to pick members with autocomplete; editing accounts stays with staff).
COORDINATOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "organisations.Organisation": _EDIT,
    "organisations.Membership": _EDIT,
    "challenges.Challenge": _EDIT,
    "matching.Match": _EDIT,
    "communities.LearningCommunity": _EDIT,
    "communities.CommunityMembership": _EDIT,
    "communities.JoinRequest": _EDIT,
    "communities.Activity": _EDIT,
    "communities.Update": _EDIT,
    "communities.LearningRecord": _VIEW,
    "challenges.ChallengeInterest": _VIEW,
    "matching.IntroductionRequest": _VIEW,
    "audit.AuditEvent": _VIEW,
    "knowledge.KnowledgeItem": _EDIT,
    "taxonomy.Province": _VIEW,
    "taxonomy.AITopic": _VIEW,
    "taxonomy.Sector": _VIEW,
    "taxonomy.Format": _VIEW,
    "taxonomy.OrganisationKind": _VIEW,
    "hubs.Hub": _VIEW,
    "hubs.HubCoordinator": _VIEW,
    "accounts.User": _VIEW,
}

PROGRAMME_COORDINATOR_GROUP_NAME = "Programme coordinators"

# A programme coordinator does what a hub coordinator does, in every hub (`sees_all_hubs`),
# curates the national knowledge base (in COORDINATOR_PERMISSIONS, for all items rather than
# their hubs') and follows the national recomputes. Accounts, hubs and reference data stay
# with superusers.
PROGRAMME_COORDINATOR_PERMISSIONS: dict[str, tuple[str, ...]] = {
    **COORDINATOR_PERMISSIONS,
    "matching.MatchRun": _VIEW,
}


def _permissions(spec: dict[str, tuple[str, ...]]) -> list[Permission]:
    """The Permission rows for `spec`, creating any that post_migrate has not made yet (for
    example when called from a data migration), named the way Django names them."""
    models = {label: apps.get_model(label) for label in spec}
    content_types = ContentType.objects.get_for_models(*models.values())
    wanted = {
        (content_types[model].pk, f"{action}_{model._meta.model_name}"): (
            content_types[model],
            f"Can {action} {model._meta.verbose_name_raw}",
        )
        for label, model in models.items()
        for action in spec[label]
    }
    existing = {
        (permission.content_type_id, permission.codename): permission
        for permission in Permission.objects.filter(
            content_type__in=[content_type for content_type, _name in wanted.values()]
        )
    }
    permissions = []
    for key, (content_type, name) in wanted.items():
        permission = existing.get(key)
        if permission is None:
            permission = Permission.objects.create(
                content_type=content_type, codename=key[1], name=name[:255]
            )
        permissions.append(permission)
    return permissions


@transaction.atomic
def coordinator_group_ensure() -> Group:
    """Create or repair the "Hub coordinators" group so it holds exactly the permissions in
    `COORDINATOR_PERMISSIONS`. Safe to call any number of times (the demo loader does)."""
    group, _created = Group.objects.get_or_create(name=COORDINATOR_GROUP_NAME)
    group.permissions.set(_permissions(COORDINATOR_PERMISSIONS))
    return group


@transaction.atomic
def hub_coordinator_add(*, hub: Hub, user: User) -> HubCoordinator:
    """Make `user` a coordinator of `hub`: the link, staff access to the admin and the
    coordinators' group, so the person can start working straight away."""
    link, _created = HubCoordinator.objects.get_or_create(hub=hub, user=user)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(coordinator_group_ensure())
    return link


@transaction.atomic
def hub_coordinator_remove(*, hub: Hub, user: User) -> None:
    """End `user`'s coordination of `hub`; the group goes when no hub is left. Staff status
    stays: the person may be staff for another reason."""
    HubCoordinator.objects.filter(hub=hub, user=user).delete()
    if not HubCoordinator.objects.filter(user=user).exists():
        group = Group.objects.filter(name=COORDINATOR_GROUP_NAME).first()
        if group is not None:
            user.groups.remove(group)


@transaction.atomic
def programme_coordinator_group_ensure() -> Group:
    """Create or repair the "Programme coordinators" group so it holds exactly the permissions
    in `PROGRAMME_COORDINATOR_PERMISSIONS`. Safe to call any number of times."""
    group, _created = Group.objects.get_or_create(name=PROGRAMME_COORDINATOR_GROUP_NAME)
    group.permissions.set(_permissions(PROGRAMME_COORDINATOR_PERMISSIONS))
    return group


@transaction.atomic
def programme_coordinator_set(*, user: User, enabled: bool) -> User:
    """Make `user` a programme coordinator (national reach in the admin and on the site: the
    flag, staff access and the programme group) or end it. Ending keeps staff status, like
    `hub_coordinator_remove`: the person may be staff for another reason."""
    group = programme_coordinator_group_ensure()
    changed = []
    if user.is_programme_coordinator != enabled:
        user.is_programme_coordinator = enabled
        changed.append("is_programme_coordinator")
    if enabled and not user.is_staff:
        user.is_staff = True
        changed.append("is_staff")
    if changed:
        user.save(update_fields=changed)
    if enabled:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    return user
