"""The list endpoints' query parameters, made from the directories' own FilterSets, so the API
filters exactly as the facets do (same names, same values, same search)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import ValidationError

from apps.core.filters import (
    ChoiceFacetFilter,
    FacetFilter,
    ListingFilterSet,
    SearchFilter,
    SortFilter,
)
from apps.core.filters.sorting import RELEVANCE
from apps.core.search import MAX_QUERY_LENGTH

# The facet parameters whose values are rows (topics, provinces, hubs, ...), by the key their
# schema carries (`x-facet`): the OpenAPI document lists each one's current values as an enum
# (`facet_values`), so a client, or a contract tester, knows which values are valid. Read when
# the document is built, not at import, because they live in the database.
FACET_FILTERS: dict[str, FacetFilter] = {}


def facet_values(facet: str) -> list[str]:
    filter_ = FACET_FILTERS[facet]
    key = filter_.extra.get("to_field_name", "slug")
    return sorted(str(value) for value in filter_.queryset.values_list(key, flat=True))


def filter_params_schema(filterset_class: type[ListingFilterSet], name: str) -> type[Schema]:
    """A ninja Schema of `filterset_class`'s parameters: `q` (the search), one repeatable
    parameter per facet (`?topic=nlp&topic=speech`) and `sort`."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__module__": __name__}
    for param, filter_ in filterset_class.base_filters.items():
        if isinstance(filter_, SearchFilter):
            annotations[param] = str | None
            namespace[param] = Field(
                None,
                # The search box's own limit, so the document promises what the filter takes.
                max_length=filter_.extra.get("max_length", MAX_QUERY_LENGTH),
                description="Search words, as the directory's search box (by meaning too).",
            )
        elif isinstance(filter_, SortFilter):
            annotations[param] = Literal[(RELEVANCE, *filter_.sorts)] | None  # type: ignore[misc]
            namespace[param] = Field(None, description="The order of the results.")
        elif isinstance(filter_, ChoiceFacetFilter):
            values = tuple(str(value) for value, _label in filter_.extra["choices"])
            annotations[param] = list[Literal[values]]  # type: ignore[valid-type]
            namespace[param] = Field(
                default_factory=list,
                description=f"{filter_.label}: repeat for more than one (any of them).",
            )
        elif isinstance(filter_, FacetFilter):
            key = filter_.extra.get("to_field_name", "slug")
            facet = f"{name}.{param}"
            FACET_FILTERS[facet] = filter_
            annotations[param] = list[str]
            namespace[param] = Field(
                default_factory=list,
                json_schema_extra={"x-facet": facet},
                description=(
                    f"{filter_.label} ({key}, see the reference data): repeat for more than "
                    "one (any of them)."
                ),
            )
    namespace["__annotations__"] = annotations
    return type(name, (Schema,), namespace)


def checked_filterset(filterset: ListingFilterSet) -> ListingFilterSet:
    """The FilterSet, or a 400 naming each parameter whose value it did not accept (the
    pages leave such a filter out; an API client should hear about it)."""
    if not filterset.form.is_valid():
        raise ValidationError(
            [
                {"loc": ["query", name], "msg": " ".join(str(e) for e in errors)}
                for name, errors in filterset.form.errors.items()
            ]
        )
    return filterset


def filters_of(request: HttpRequest, params: Schema) -> dict[str, Any]:
    return {name: value for name, value in params.dict().items() if value not in (None, [])}
