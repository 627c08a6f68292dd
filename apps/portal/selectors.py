"""Reads that span several apps: the figures on the home page."""

from django.db.models import Count, Value

from apps.challenges.selectors import challenge_listed_queryset
from apps.communities.models import CommunityStatus, LearningCommunity
from apps.core.data_version import cached_for_data_version
from apps.organisations.models import Organisation


def platform_figures(*, user) -> dict[str, int]:
    """How many listed challenges, active communities and organisations the user can see.

    One query (a UNION of three counts), so the home page does not pay per figure; only
    what the user may open is counted, so the figures match the lists they link to. Shared
    until the data changes by everyone whose query is the same (all visitors; a member's
    query names them): counting every visible challenge takes 30 ms at national size.
    """
    parts = {
        "challenges": challenge_listed_queryset(user=user),
        "communities": LearningCommunity.objects.visible_to(user).filter(
            status=CommunityStatus.ACTIVE
        ),
        "organisations": Organisation.objects.visible_to(user),
    }
    counts = [
        queryset.order_by()
        .annotate(figure=Value(name))
        .values("figure")
        .annotate(n=Count("pk"))
        .values_list("figure", "n")
        for name, queryset in parts.items()
    ]
    union = counts[0].union(*counts[1:], all=True)
    sql, params = union.query.sql_with_params()
    figures = dict.fromkeys(parts, 0)
    figures.update(
        cached_for_data_version("platform-figures", f"{sql}|{params!r}", lambda: list(union))
    )
    return figures
