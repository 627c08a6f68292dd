"""Who sees which region: the one definition of a hub coordinator's reach.

Superusers and programme coordinators see every hub. A hub coordinator sees what lies in the
provinces of the hubs they coordinate. Everyone else who reaches the admin sees nothing that
is region-bound. The admin (`apps.core.admin.HubScopedAdminMixin`) applies these helpers to
changelists, change pages, form choices and autocomplete alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet

from apps.hubs.models import Hub, works_nationally
from apps.taxonomy.models import Province

if TYPE_CHECKING:
    from apps.accounts.models import User


def sees_all_hubs(user: User) -> bool:
    """Superusers and programme coordinators work nationally."""
    return works_nationally(user)


def hubs_coordinated_by(user: User) -> QuerySet[Hub]:
    return Hub.objects.coordinated_by(user)


def provinces_coordinated_by(user: User) -> QuerySet[Province]:
    if sees_all_hubs(user):
        return Province.objects.all()
    return Province.objects.filter(pk__in=hubs_coordinated_by(user).values("provinces"))


def province_codes_importable_by(user: User) -> list[str] | None:
    """The province codes a user may import CSV rows for; None: nationwide."""
    if sees_all_hubs(user):
        return None
    return list(provinces_coordinated_by(user).order_by("code").values_list("code", flat=True))


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
    elif target is Hub:
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
