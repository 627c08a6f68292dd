"""Filter pieces shared by the directories (challenges, organisations, communities, hubs,
knowledge base): multi-select facets, full-text search and sorting, on one FilterSet base.

One module per part: conditions.py, facets.py, searching.py, sorting.py and filterset.py.

A facet is a group of checkboxes. Ticked options of one facet widen the list (OR), facets
narrow each other (AND). Every facet states its test as a `Q` (`FacetFilter.condition`) and
how to count its options (`FacetFilter.count_parts`), so the FilterSet can both filter and
tell, for every option, how many rows ticking it would give (`ListingFilterSet.facet_counts`),
whatever the number of rows: one UNION ALL query for all facets, or, for the large lists, from
the (row, option) pairs of those same count parts kept in memory (`apps.core.facet_index`).

URL parameters are the facet names repeated (`?province=NL-ZH&province=NL-UT`); a link with
one value (`?topic=ml`) is the same thing with one option ticked.
"""

from .conditions import Choice, CountPart, filter_data, rows_where
from .facets import (
    ChoiceFacetFilter,
    FacetFilter,
    FacetModelChoiceField,
    ModelFacetFilter,
    reference_rows,
)
from .filterset import ListingFilterSet
from .searching import FUSION_K, RANK, SearchFilter, fused_rank, int_column
from .sorting import RELEVANCE, Sort, SortFilter

__all__ = [
    "FUSION_K",
    "RANK",
    "RELEVANCE",
    "Choice",
    "ChoiceFacetFilter",
    "CountPart",
    "FacetFilter",
    "FacetModelChoiceField",
    "ListingFilterSet",
    "ModelFacetFilter",
    "SearchFilter",
    "Sort",
    "SortFilter",
    "filter_data",
    "fused_rank",
    "int_column",
    "reference_rows",
    "rows_where",
]
