"""The community directory (browse and search). The community page and its actions live in
views.py; this module is the list only."""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import ngettext_lazy

from apps.core.listing import render_listing

from .filters import CommunityFilterSet
from .models import LearningCommunity


def community_directory_queryset(*, user) -> QuerySet[LearningCommunity]:
    """The communities the user may see, with what a card shows."""
    return LearningCommunity.objects.visible_to(user).select_related("hub")


def community_filterset(*, user, filters: Mapping[str, Any] | None) -> CommunityFilterSet:
    return CommunityFilterSet(filters, queryset=community_directory_queryset(user=user), user=user)


def community_list(request):
    return render_listing(
        request,
        community_filterset(user=request.user, filters=request.GET),
        template_name="communities/community_list.html",
        results_template_name="communities/_community_results.html",
        count_text=ngettext_lazy(
            "%(count)s learning community", "%(count)s learning communities", "count"
        ),
    )
