"""Who sees which region: the one definition of a coordinator's reach, asked of any user
(anonymous visitors included; a signed-in person answers through the predicates on `User`).

Superusers and programme coordinators see every hub. A hub coordinator sees what lies in the
provinces of the hubs they coordinate. Everyone else who reaches the admin sees nothing that
is region-bound. The admin (`apps.accounts.admin_scope.HubScopedAdminMixin`) applies these
helpers to changelists, change pages, form choices and autocomplete alike. A coordinator's
reach counts on a web request only once that login included the second factor
(`apps.accounts.middleware.CoordinatorReachMiddleware`).
"""

from __future__ import annotations

import copy

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet

from apps.taxonomy.models import Province

from .models import User

# A relation path for `scope_to_coordinated_hubs` ends at a Province or at a hub (by label:
# hubs lie above accounts, and a person's hubs are `User.coordinated_hubs`).
HUB_MODEL = "hubs.Hub"


def coordinator_reach_confirmed(user) -> bool:
    """Whether the user's coordinator reach counts now (on a web request: only once that
    login included the second factor; see `User.coordinator_reach_confirmed`)."""
    return bool(user.is_authenticated and getattr(user, "coordinator_reach_confirmed", True))


def with_reach_confirmed(user):
    """The user as they are once the second factor is done: for deciding whether to *link* to
    a coordinator page, which asks for the code itself before it opens."""
    if getattr(user, "coordinator_reach_confirmed", True):
        return user
    confirmed = copy.copy(user)
    confirmed.coordinator_reach_confirmed = True
    return confirmed


def sees_all_hubs(user) -> bool:
    """`User.sees_all_hubs`, false for a visitor."""
    return bool(user.is_authenticated and user.sees_all_hubs)


def provinces_coordinated_by(user) -> QuerySet[Province]:
    """`User.coordinated_provinces`, none for a visitor."""
    if not user.is_authenticated:
        return Province.objects.none()
    return user.coordinated_provinces()


def coordinates_region_of(user, thing) -> bool:
    """Whether the province `thing` lies in (`thing.province_id`: a challenge, an
    organisation) is within the user's reach: `User.coordinates`, false for a visitor."""
    return bool(user.is_authenticated and user.coordinates(thing.province_id))


def hubs_coordinated_by(user) -> QuerySet:
    """The hubs whose region the user coordinates: every hub for one who sees all hubs, none
    for a visitor or before the second factor (`HubQuerySet.coordinated_by` asks this)."""
    # Hub lies above accounts: reach it through the relation rather than an import.
    hubs = User._meta.get_field("coordinated_hubs").related_model._default_manager.all()
    if not coordinator_reach_confirmed(user):
        return hubs.none()
    if sees_all_hubs(user):
        return hubs
    return hubs.filter(coordinators=user)


def _follow(model: type[Model], path: str) -> tuple[type[Model], bool]:
    """The model at the end of a relation path, and whether the path can fan out (pass a
    to-many relation, which would repeat rows in a join)."""
    fans_out = False
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.related_model is None:
            raise ImproperlyConfigured(f"{model.__name__}.{name} in {path!r} is not a relation.")
        fans_out = fans_out or field.many_to_many or field.one_to_many
        model = field.related_model
    return model, fans_out


def scope_to_coordinated_hubs(queryset: QuerySet, user: User, path: str) -> QuerySet:
    """Limit `queryset` to rows whose `path` (a relation ending at a Province or a Hub) lies
    in a hub `user` coordinates; unchanged for national users.

    `scope_to_coordinated_hubs(Challenge.objects.all(), user, "province")`,
    `scope_to_coordinated_hubs(Activity.objects.all(), user, "community__hub")`.
    """
    if sees_all_hubs(user):
        return queryset
    target, fans_out = _follow(queryset.model, path)
    if target is Province:
        allowed = provinces_coordinated_by(user)
    elif target._meta.label == HUB_MODEL:
        allowed = hubs_coordinated_by(user)
    else:
        raise ImproperlyConfigured(f"{path!r} must end at a Province or a Hub, not {target}.")
    condition = Q(**{f"{path}__in": allowed.values("pk")})
    if fans_out:
        return queryset.filter(
            pk__in=queryset.model._default_manager.filter(condition).values("pk")
        )
    return queryset.filter(condition)


def people_in_coordinated_region(queryset: QuerySet[User], user: User) -> QuerySet[User]:
    """The people a hub coordinator works with: those living in the region, members (or
    would-be members) of its organisations and communities, and its coordinators."""
    if sees_all_hubs(user):
        return queryset
    provinces = provinces_coordinated_by(user).values("pk")
    hubs = hubs_coordinated_by(user).values("pk")
    condition = (
        Q(pk=user.pk)
        | Q(province__in=provinces)
        | Q(memberships__organisation__province__in=provinces)
        | Q(community_memberships__community__hub__in=hubs)
        | Q(join_requests__community__hub__in=hubs)
        | Q(hub_links__hub__in=hubs)
    )
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))
