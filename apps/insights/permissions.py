"""Who sees which insights.

The insights are working figures for the people who act on them, so they sit behind a
login: a hub coordinator sees the pages of the hubs they coordinate; programme
coordinators and superusers see every hub and the national page. Everyone else who is
signed in gets 403 (the hubs themselves are public, so there is nothing to hide by a 404);
a hub that does not exist is a 404. The figures are aggregates without personal data, but
they include challenges that are visible only to members or to a hub's region, which is
why they are not public. The page says this in its "About these figures" section.

The reach of a coordinator is the one defined in `apps.accounts.permissions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.permissions import sees_all_hubs
from apps.hubs.models import Hub
from apps.hubs.permissions import hubs_coordinated_by

if TYPE_CHECKING:
    from apps.accounts.models import User


def insights_hubs_for(user: User) -> QuerySet[Hub]:
    """The hubs whose insights `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return Hub.objects.none()
    return hubs_coordinated_by(user)


def insights_hub_links_for(user: User) -> list[Hub]:
    """The hubs whose insights `user` may see, by name, with what a link needs."""
    return list(insights_hubs_for(user).order_by("name").only("slug", "name"))


def may_see_national_insights(user: User) -> bool:
    return sees_all_hubs(user)


def may_see_hub_insights(user: User, hub: Hub) -> bool:
    return sees_all_hubs(user) or insights_hubs_for(user).filter(pk=hub.pk).exists()


def may_see_any_insights(user: User) -> bool:
    return sees_all_hubs(user) or insights_hubs_for(user).exists()


def insights_national_check(*, user: User) -> None:
    if not may_see_national_insights(user):
        raise PermissionDenied


def insights_hub_get(*, user: User, slug: str) -> Hub:
    """The hub, if `user` may see its insights: 404 for an unknown hub, 403 for a hub the
    user does not coordinate."""
    hub = Hub.objects.filter(slug=slug).first()
    if hub is None:
        raise Http404
    if not may_see_hub_insights(user, hub):
        raise PermissionDenied
    return hub
