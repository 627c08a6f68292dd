from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filters import ListingFilterSet, SearchFilter, Sort, SortFilter
from apps.core.search import bilingual_search_vector
from apps.taxonomy.facets import ProvinceFacetFilter

from .meaning import hub_ids_by_meaning_soon
from .models import Hub


class HubProvinceFilter(ProvinceFacetFilter):
    """`?province=NL-GR`: the hubs that cover any of the ticked provinces."""

    def condition(self, values) -> Q:
        covering = Hub.provinces.through.objects.filter(province__in=list(values))
        return Q(pk__in=covering.values("hub_id"))


class HubFilterSet(ListingFilterSet):
    # Seven hubs: a vector computed per query is cheap enough, no stored document needed.
    q = SearchFilter(
        document=lambda: bilingual_search_vector("name", "description_nl", "description_en"),
        meaning=hub_ids_by_meaning_soon,
    )
    province = HubProvinceFilter()
    sort = SortFilter(sorts={"name": Sort(_("name (A–Z)"), ("name", "pk"))}, default="name")

    # A province lies in one hub: a count beside each would only ever say (1).
    counts_facets = False

    class Meta:
        model = Hub
        fields = []
