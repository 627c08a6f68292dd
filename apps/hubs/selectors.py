"""Reads of the regional AI hubs. Hubs are public; what they list is filtered per user."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet

from apps.accounts.models import User
from apps.challenges.selectors import challenge_listed_queryset
from apps.communities.models import LearningCommunity
from apps.core.selectors import subquery_count
from apps.organisations.models import Organisation
from apps.taxonomy.models import Province

from .filters import HubFilterSet
from .models import Hub


def _provinces_by_name() -> Prefetch:
    return Prefetch("provinces", queryset=Province.objects.order_by("name_nl"))


def hub_list(*, user) -> QuerySet[Hub]:
    """All hubs with their provinces and how many open challenges and organisations in
    their region the user can see, so each count matches the list it links to."""
    challenges = challenge_listed_queryset(user=user).filter(province__hubs=OuterRef("pk"))
    organisations = Organisation.objects.visible_to(user).filter(province__hubs=OuterRef("pk"))
    return (
        Hub.objects.annotate(
            open_challenge_count=subquery_count(challenges),
            organisation_count=subquery_count(organisations),
        )
        .prefetch_related(_provinces_by_name())
        .order_by("name")
    )


def hub_filterset(*, user, filters: Mapping[str, Any] | None) -> HubFilterSet:
    """The hub directory's FilterSet (search box and province) over `hub_list`."""
    return HubFilterSet(filters, queryset=hub_list(user=user), user=user)


def hub_get(*, slug: str, user) -> Hub | None:
    """A hub with its provinces, how many active coordinators with a name it has, and those
    of them whose name `user` may see (`User.shows_name_to`: a visitor only sees the names
    people made public). Their email addresses never leave the admin."""
    named_and_active = Q(coordinators__is_active=True) & ~Q(coordinators__full_name="")
    named_coordinators = (
        User.objects.filter(is_active=True).exclude(full_name="").names_shown_to(user)
    )
    return (
        Hub.objects.annotate(coordinator_count=Count("coordinators", filter=named_and_active))
        .prefetch_related(
            _provinces_by_name(),
            Prefetch(
                "coordinators",
                queryset=named_coordinators.only("pk", "full_name").order_by("full_name"),
                to_attr="named_coordinators",
            ),
        )
        .filter(slug=slug)
        .first()
    )


def hub_communities(*, user, hub: Hub) -> QuerySet[LearningCommunity]:
    """The hub's learning communities that the user may see, newest first."""
    return LearningCommunity.objects.visible_to(user).filter(hub=hub).order_by("-created_at")
