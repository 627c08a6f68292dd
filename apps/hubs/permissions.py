"""A coordinator's hubs. The reach itself (who sees all hubs, which provinces a person
coordinates, scoping a queryset to them) is defined once in `apps.accounts.permissions`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from apps.accounts.permissions import provinces_coordinated_by, sees_all_hubs
from apps.hubs.models import Hub

if TYPE_CHECKING:
    from apps.accounts.models import User


def hubs_coordinated_by(user: User) -> QuerySet[Hub]:
    return Hub.objects.coordinated_by(user)


def province_codes_importable_by(user: User) -> list[str] | None:
    """The province codes a user may import CSV rows for; None: nationwide."""
    if sees_all_hubs(user):
        return None
    return list(provinces_coordinated_by(user).order_by("code").values_list("code", flat=True))
