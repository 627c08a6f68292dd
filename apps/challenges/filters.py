from django.db.models import F
from django.utils.translation import gettext_lazy as _

from apps.core.filters import (
    ChoiceFacetFilter,
    ListingFilterSet,
    ModelFacetFilter,
    SearchFilter,
    Sort,
    SortFilter,
)
from apps.hubs.facets import HubFacetFilter
from apps.taxonomy.facets import ProvinceFacetFilter, SectorFacetFilter, TopicFacetFilter
from apps.taxonomy.models import Format

from .meaning import challenge_ids_by_meaning_soon
from .models import Challenge, ChallengeStatus

# What the directory calls open: still looking for partners or under way. Closed ones are
# out in the open too, but only listed when asked for.
LISTED_STATUSES = (ChallengeStatus.PUBLISHED, ChallengeStatus.IN_COMMUNITY)
ALL_OPEN = "all"

NEWEST_FIRST = (F("published_at").desc(nulls_last=True), "-created_at", "-pk")
SORTS = {
    "newest": Sort(_("newest first"), NEWEST_FIRST),
    "oldest": Sort(_("oldest first"), (F("published_at").asc(nulls_last=True), "created_at", "pk")),
    "title": Sort(_("title (A–Z)"), ("title", "pk")),
}


class ChallengeFilterSet(ListingFilterSet):
    counts_from_index = True  # at national size; its facets do not depend on the user
    q = SearchFilter(
        document="search_document",
        meaning=challenge_ids_by_meaning_soon,
        labels=("topics", "sectors"),
    )
    province = ProvinceFacetFilter()
    hub = HubFacetFilter(province_path="province")
    topic = TopicFacetFilter()
    sector = SectorFacetFilter()
    format = ModelFacetFilter(
        path="formats", queryset=Format.objects.all(), label=_("Way of working together")
    )
    status = ChoiceFacetFilter(
        choices=[
            (ChallengeStatus.PUBLISHED, ChallengeStatus.PUBLISHED.label),
            (ChallengeStatus.IN_COMMUNITY, ChallengeStatus.IN_COMMUNITY.label),
            (ChallengeStatus.CLOSED, ChallengeStatus.CLOSED.label),
        ],
        # Nothing ticked: the open ones. `?status=all`, from older links, means all three.
        default=LISTED_STATUSES,
        aliases={
            ALL_OPEN: (
                ChallengeStatus.PUBLISHED,
                ChallengeStatus.IN_COMMUNITY,
                ChallengeStatus.CLOSED,
            )
        },
        label=_("Status"),
        help_text=_("Nothing ticked: published or in a community."),
    )
    sort = SortFilter(sorts=SORTS, default="newest")

    class Meta:
        model = Challenge
        fields = []
