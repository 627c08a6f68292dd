"""A hub as its page shows it (the lists it gathers are read in apps.portal.selectors)."""

from django.db.models import Count, Prefetch, Q

from apps.accounts.models import User
from apps.taxonomy.models import Province

from .models import Hub


def provinces_by_name() -> Prefetch:
    return Prefetch("provinces", queryset=Province.objects.order_by("name_nl"))


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
            provinces_by_name(),
            Prefetch(
                "coordinators",
                queryset=named_coordinators.only("pk", "full_name").order_by("full_name"),
                to_attr="named_coordinators",
            ),
        )
        .filter(slug=slug)
        .first()
    )


def hubs_covering(*, province_id: int, coordinated_by: User | None = None) -> list[Hub]:
    """The hubs whose region includes a province, by name (a challenge's status page names
    them); with `coordinated_by`, only those that person coordinates (a balanced run)."""
    hubs = Hub.objects.coordinated_by(coordinated_by) if coordinated_by else Hub.objects.all()
    return list(hubs.filter(provinces=province_id).order_by("name"))
