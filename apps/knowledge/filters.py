from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.communities.models import LearningCommunity
from apps.core.filters import ChoiceFacetFilter, ListingFilterSet, SearchFilter, Sort, SortFilter
from apps.hubs.facets import HubFacetFilter
from apps.taxonomy.facets import SectorFacetFilter, TopicFacetFilter

from .meaning import knowledge_item_ids_by_meaning_soon
from .models import KnowledgeItem

SORTS = {
    "newest": Sort(_("newest first"), ("-created_at", "-pk")),
    "title": Sort(_("title (A–Z)"), ("title", "pk")),
}


class SourceHubFilter(HubFacetFilter):
    """`?hub=<slug>`: items from a community of that hub, one the reader may see (the page
    of an item never names a hidden community, nor does a filter)."""

    def condition(self, values) -> Q:
        communities = LearningCommunity.objects.visible_to(self.parent.user).filter(
            hub__in=list(values)
        )
        return Q(source_community__in=communities.values("pk"))


class KnowledgeItemFilterSet(ListingFilterSet):
    # Its count parts, given all items, do not depend on the reader (the hub part counts the
    # hub of each item's source community, as in SQL); counting them per person in SQL cost a
    # signed-in reader 0.3 s on every first visit at national size.
    counts_from_index = True
    q = SearchFilter(
        document="search_document",
        meaning=knowledge_item_ids_by_meaning_soon,
        labels=("topics", "sectors"),
    )
    kind = ChoiceFacetFilter(choices=KnowledgeItem.Kind.choices, label=_("Type"))
    topic = TopicFacetFilter()
    sector = SectorFacetFilter()
    hub = SourceHubFilter(help_text=_("The hub of the community it comes from."))
    licence = ChoiceFacetFilter(choices=KnowledgeItem.Licence.choices, label=_("Licence"))
    sort = SortFilter(sorts=SORTS, default="newest")

    class Meta:
        model = KnowledgeItem
        fields = []
