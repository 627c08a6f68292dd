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
from apps.taxonomy.models import Format, OrganisationKind

from .meaning import organisation_ids_by_meaning_soon
from .models import Organisation

NATIONWIDE = "1"
SORTS = {
    "name": Sort(_("name (A–Z)"), ("name", "pk")),
    "newest": Sort(_("newest first"), ("-created_at", "-pk")),
}


class OrganisationFilterSet(ListingFilterSet):
    counts_from_index = True  # at national size; its facets do not depend on the user
    q = SearchFilter(
        document="search_document",
        meaning=organisation_ids_by_meaning_soon,
        labels=("topics", "sectors"),
    )
    kind = ModelFacetFilter(
        path="kind", queryset=OrganisationKind.objects.all(), label=_("Kind of organisation")
    )
    province = ProvinceFacetFilter()
    hub = HubFacetFilter(province_path="province")
    topic = TopicFacetFilter()
    sector = SectorFacetFilter()
    format = ModelFacetFilter(
        path="formats", queryset=Format.objects.all(), label=_("Ways of working together offered")
    )
    national = ChoiceFacetFilter(
        path="serves_nationally",
        choices=[(NATIONWIDE, _("works nationwide"))],
        label=_("Reach"),
    )
    sort = SortFilter(sorts=SORTS, default="name")

    class Meta:
        model = Organisation
        fields = []
