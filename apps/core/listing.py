"""One way to show a directory: filters beside a paged list of results.

    return render_listing(
        request,
        challenge_filterset(user=request.user, filters=request.GET),
        template_name="challenges/challenge_list.html",
        results_template_name="challenges/_challenge_results.html",
        count_text=ngettext_lazy("%(count)s challenge", "%(count)s challenges", "count"),
    )

The page template includes `core/_listing.html` (the filter form and the results region);
`results_template_name` extends `core/_results.html` and fills in the cards. The filter form
asks for the results with htmx (on every change, while typing, on submit) and pushes the URL,
so a filtered list can always be shared; without JavaScript it is a plain GET form. An htmx
request aimed at the results region gets only the results partial, which also refreshes the
result count (a live region, so the new count is announced) and the per-option counts out of
band. Everything else (first load, reload, history restore) gets the whole page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import get_language

from .data_version import cached_for_data_version
from .filters import RANK, ListingFilterSet

PAGE_SIZE = 20
# The id of the element the results are swapped into; htmx sends it as HX-Target.
RESULTS_ID = "result-list"


@dataclass
class FacetOption:
    value: str
    label: str
    id: str
    checked: bool
    count: int | None = None
    children: list[FacetOption] = field(default_factory=list)

    @property
    def open(self) -> bool:
        """Whether a group shows its leaves at first: when one of them is ticked."""
        return any(child.checked for child in self.children)


@dataclass
class Facet:
    """A checkbox group of the filter form, ready for the template."""

    name: str
    label: str
    id: str
    options: list[FacetOption]
    errors: Any
    help_text: str = ""

    @property
    def all_options(self) -> list[FacetOption]:
        return [o for option in self.options for o in (option, *option.children)]


def build_facets(filterset: ListingFilterSet, counts: Mapping[str, Mapping[str, int]] | None):
    """The facets of `filterset` with their options, ticks and counts, in declaration order."""
    facets = []
    for name, facet_filter in filterset.facet_filters.items():
        bound = filterset.form[name]
        checked = filterset.selected_keys(name)
        facet_counts = (counts or {}).get(name, {})
        options: list[FacetOption] = []
        by_key: dict[str, FacetOption] = {}
        for index, choice in enumerate(facet_filter.facet_choices):
            option = FacetOption(
                value=choice.key,
                label=choice.label,
                id=f"{bound.auto_id}_{index}",
                checked=choice.key in checked,
                count=facet_counts.get(choice.key) if counts is not None else None,
            )
            by_key[choice.key] = option
            parent = by_key.get(choice.parent) if choice.parent else None
            (parent.children if parent else options).append(option)
        facets.append(
            Facet(
                name=name,
                label=str(bound.label),
                id=bound.auto_id,
                options=options,
                errors=bound.errors,
                help_text=str(bound.help_text or ""),
            )
        )
    return facets


def facets_fragment_key(facets: list[Facet]) -> str:
    """A digest of everything the facet checkboxes show, in the active language: the key of
    their rendered HTML in the cache (`core/_filter_form.html`). Rendering a hundred options
    took a third of a directory page's time, while the same options, ticks and counts come
    back for every visitor with the same filters and every member of the same region."""
    shown = [
        (
            facet.name,
            facet.label,
            facet.id,
            facet.help_text,
            [str(error) for error in facet.errors or ()],
            [
                (
                    o.value,
                    o.label,
                    o.id,
                    o.checked,
                    o.count,
                    [(c.value, c.label, c.id, c.checked, c.count) for c in o.children],
                )
                for o in facet.options
            ],
        )
        for facet in facets
    ]
    text = repr((get_language(), shown))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def wants_results_only(request: HttpRequest) -> bool:
    """An htmx request that will swap the results region (not a history restore, which
    replaces the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and htmx.target == RESULTS_ID


class SharedCountPaginator(Paginator):
    """Counts the results once per data version for everyone with the same query: counting
    every visible row is the slowest part of a directory page at national size.

    A page comes in two steps where it can: the ids of the page in its order, found in
    memory (`page_ids`), then those rows whole by pk. Ordering in SQL sorts every matching
    row for each page: for a search by a computed rank, with whole rows (texts, the
    organisation, the search vector), PostgreSQL sorted 10 000 rows of 2 kB on disk for one
    page of 20 (190 ms at national size); in an order no index keeps together with the
    visibility rules and the ticked facets, every visible row (200 ms). A page that cannot
    be found in memory comes from SQL: ids first when ranked, else directly."""

    def __init__(
        self,
        object_list,
        per_page,
        *,
        known_count: int | None = None,
        page_ids: Callable[[int, int], list[int] | None] | None = None,
        rows: QuerySet | None = None,
    ):
        """`known_count`: the number of rows, when already counted. `page_ids(bottom, top)`:
        the pks of rows [bottom:top] in the list's order when found without SQL (else None);
        `rows`: where those rows are read, by pk (the list before search and filters, which
        they already met: a rank expression need not be computed again)."""
        super().__init__(object_list, per_page)
        if known_count is not None:
            self.count = known_count  # fills the cached property: no query
        self.page_ids = page_ids
        self.rows = rows

    @cached_property
    def count(self) -> int:
        queryset = self.object_list.order_by()
        sql, params = queryset.query.sql_with_params()
        return cached_for_data_version("result-count", f"{sql}|{params!r}", queryset.count)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.page_ids(bottom, top) if self.page_ids else None
        if ids is None:
            ranked = isinstance(self.object_list, QuerySet) and (
                RANK in self.object_list.query.annotations
            )
            if not ranked:
                return super().page(number)
            ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        source = self.rows if self.rows is not None else self.object_list
        rows = {row.pk: row for row in source.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)


def render_listing(
    request: HttpRequest,
    filterset: ListingFilterSet,
    *,
    template_name: str,
    results_template_name: str,
    count_text,
    page_size: int = PAGE_SIZE,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The list page, or only its results partial for an htmx request aimed at them.

    `count_text`: an `ngettext_lazy(singular, plural, "count")` with `%(count)s` in it.
    `context`: anything more the page template needs.
    """
    counts = filterset.facet_counts() if filterset.counts_facets else None
    facets = build_facets(filterset, counts)
    paginator = SharedCountPaginator(
        filterset.qs,
        page_size,
        known_count=filterset.result_count,
        page_ids=filterset.page_ids,
        rows=filterset.queryset,
    )
    page = paginator.get_page(request.GET.get("page"))
    results_only = wants_results_only(request)
    sort_options = [
        {"value": key, "label": label, "current": key == filterset.sort}
        for key, label in filterset.sort_options()
    ]
    page_context = {
        "filterset": filterset,
        "form": filterset.form,
        "search_field": filterset.form["q"] if "q" in filterset.form.fields else None,
        "facets": facets,
        "facets_key": facets_fragment_key(facets),
        "page_obj": page,
        "count_text": count_text % {"count": paginator.count},
        "sort_options": sort_options if len(sort_options) > 1 else [],
        "chosen_sort": filterset.chosen_sort,
        "results_id": RESULTS_ID,
        "results_template_name": results_template_name,
        "results_only": results_only,
        **(context or {}),
    }
    response = render(
        request, results_template_name if results_only else template_name, page_context
    )
    # The same URL answers with a page or a partial: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
