"""Reads of the regional AI hubs. Hubs are public; what they list is filtered per user."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from apps.accounts.models import User
from apps.challenges.selectors import challenge_listed_queryset
from apps.communities.models import LearningCommunity
from apps.core.data_version import cached_for_data_version
from apps.organisations.models import Organisation
from apps.taxonomy.models import Province

from .filters import HubFilterSet
from .models import Hub


def _provinces_by_name() -> Prefetch:
    return Prefetch("provinces", queryset=Province.objects.order_by("name_nl"))


def _counts_by_province(queryset: QuerySet) -> tuple[QuerySet, str]:
    grouped = queryset.order_by().values_list("province_id").annotate(n=Count("pk"))
    sql, params = grouped.query.sql_with_params()
    return grouped, f"{sql}|{params!r}"


def _per_hub(counts: dict[int, int], provinces_of_hub: dict[int, list[int]]) -> Case:
    """A hub's count as a CASE over its id (the hubs are few), so the result stays a
    queryset the directory can filter and sort."""
    whens = [
        When(pk=hub_id, then=Value(sum(counts.get(p, 0) for p in provinces)))
        for hub_id, provinces in provinces_of_hub.items()
    ]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def hub_list(*, user) -> QuerySet[Hub]:
    """All hubs with their provinces and how many open challenges and organisations in
    their region the user can see, so each count matches the list it links to.

    The counts are one grouped scan per kind, shared through the cache until data changes:
    at national size a scan of every challenge the user may see takes a good part of a
    second."""
    challenges, challenges_key = _counts_by_province(challenge_listed_queryset(user=user))
    organisations, organisations_key = _counts_by_province(Organisation.objects.visible_to(user))

    def count():
        provinces_of_hub: dict[int, list[int]] = {}
        for hub_id, province_id in Hub.provinces.through.objects.values_list(
            "hub_id", "province_id"
        ):
            provinces_of_hub.setdefault(hub_id, []).append(province_id)
        return provinces_of_hub, dict(challenges), dict(organisations)

    provinces_of_hub, by_challenges, by_organisations = cached_for_data_version(
        "hub-counts", f"{challenges_key}/{organisations_key}", count
    )
    return (
        Hub.objects.annotate(
            open_challenge_count=_per_hub(by_challenges, provinces_of_hub),
            organisation_count=_per_hub(by_organisations, provinces_of_hub),
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
