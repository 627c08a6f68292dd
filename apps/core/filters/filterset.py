"""`ListingFilterSet`: a directory's facets, search and sort on one FilterSet, with facet
counts that stay consistent with the list, from one UNION ALL query or, for the large
lists, from the facet index."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

import django_filters
import numpy as np
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchQuery
from django.db import models
from django.db.models import (
    Case,
    F,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from apps.core.data_version import (
    cached_for_data_version,
    cached_many_for_data_version,
    memoised_for_data_version,
)
from apps.core.facet_index import (
    PairPart,
    facet_option_counts,
    fused_scores,
    row_mask,
    rows_meeting_all,
)

from ..search import search_query
from .conditions import filter_data
from .facets import FacetFilter
from .searching import FUSION_K, RANK, SearchFilter, joined_columns
from .sorting import RELEVANCE, SortFilter


class ListingFilterSet(django_filters.FilterSet):
    """Base of the directories' FilterSets: facets, search box and sort; for the user whose
    visible rows the `queryset` holds (some facets look through relations that have their
    own visibility, `self.user` lets them).

    Invalid values never fail the page: the form reports them and their filter is left out.
    """

    # The counts beside the options cost one query; off for lists where they tell nothing.
    counts_facets = True
    # Count from (row, option) pairs kept in memory (`apps.core.facet_index`) instead of in
    # SQL: for large lists whose count parts, given all rows, do not depend on the user.
    counts_from_index = False
    # The number of rows of the list when the facet counts already found it (from the index),
    # else None: the paginator then counts.
    result_count: int | None = None
    _listed_ids: np.ndarray | None = None

    def __init__(self, data=None, queryset=None, *, user=None, request=None, prefix=None):
        super().__init__(filter_data(data), queryset, request=request, prefix=prefix)
        if user is None:
            user = getattr(request, "user", None) or AnonymousUser()
        self.user = user

    # -- parts -------------------------------------------------------------------------------

    @property
    def facet_filters(self) -> dict[str, FacetFilter]:
        return {name: f for name, f in self.filters.items() if isinstance(f, FacetFilter)}

    @property
    def search_filter(self) -> SearchFilter | None:
        return next((f for f in self.filters.values() if isinstance(f, SearchFilter)), None)

    @property
    def sort_filter(self) -> SortFilter | None:
        return next((f for f in self.filters.values() if isinstance(f, SortFilter)), None)

    @cached_property
    def cleaned_data(self) -> dict[str, Any]:
        self.form.is_valid()
        return self.form.cleaned_data

    def _value(self, filter_: django_filters.Filter):
        name = next(name for name, f in self.filters.items() if f is filter_)
        return self.cleaned_data.get(name)

    @cached_property
    def search(self) -> SearchQuery | None:
        """The text query, or None when the search box asks nothing."""
        search_filter = self.search_filter
        if search_filter is None:
            return None
        return search_query(self._value(search_filter) or "")

    @cached_property
    def chosen_sort(self) -> str:
        """The sort the URL asks for and that applies ("" for the default)."""
        sort_filter = self.sort_filter
        if sort_filter is None:
            return ""
        chosen = self._value(sort_filter) or ""
        if chosen == RELEVANCE and self.search is None:
            return ""
        return chosen

    @cached_property
    def sort(self) -> str:
        """The sort in effect: the chosen one, else relevance while searching, else the
        list's default."""
        if self.chosen_sort:
            return self.chosen_sort
        if self.search is not None:
            return RELEVANCE
        return self.sort_filter.default if self.sort_filter else ""

    def sort_options(self) -> list[tuple[str, Any]]:
        """(key, label) of the sorts on offer: relevance only while searching."""
        sort_filter = self.sort_filter
        if sort_filter is None:
            return []
        options = [(key, s.label) for key, s in sort_filter.sorts.items()]
        if self.search is not None:
            options.insert(0, (RELEVANCE, _("relevance")))
        return options

    def ordering(self) -> tuple:
        sort_filter = self.sort_filter
        if sort_filter is None:
            return ()
        default = sort_filter.sorts[sort_filter.default].ordering
        if self.sort == RELEVANCE:
            return (F(RANK).desc(), *default)
        return sort_filter.sorts[self.sort].ordering

    def facet_conditions(self) -> dict[str, Q | None]:
        return {
            name: facet.effective_condition(self.cleaned_data.get(name))
            for name, facet in self.facet_filters.items()
        }

    def selected_keys(self, name: str) -> set[str]:
        """The URL values of the options ticked in facet `name` that are in effect."""
        facet = self.facet_filters[name]
        if name in self.cleaned_data:
            return facet.selected_keys(self.cleaned_data[name] or ())
        return set()

    # -- rows --------------------------------------------------------------------------------

    @cached_property
    def _meaning_started(self) -> list[int] | Callable[[], list[int]] | None:
        """The search by meaning as the directory gives it: the ids, or a callable for ids
        still being found in the background; None without a search or meaning."""
        search_filter = self.search_filter
        if self.search is None or search_filter.meaning is None:
            return None
        return search_filter.meaning(self._value(search_filter) or "")

    @cached_property
    def meaning_ids(self) -> list[int]:
        """The rows the query finds by meaning, best first (none without a search)."""
        started = self._meaning_started
        if started is None:
            return []
        return started() if callable(started) else started

    @cached_property
    def found_ids(self) -> list[int] | None:
        """Every row the search finds, once per page (`SearchFilter.found_ids`). A search by
        meaning that runs in the background is started first, and the words' query (kept
        for the page) runs while it does."""
        if self.search is None:
            return None
        model = self.queryset.model
        if callable(self._meaning_started):
            self.search_filter.found_by_words(model, self.search)
        return self.search_filter.found_ids(model, self.search, self.meaning_ids)

    def searched(self, queryset: models.QuerySet, *, rank: bool = True) -> models.QuerySet:
        if self.search is None:
            return queryset
        return self.search_filter.search(
            queryset,
            self.search,
            rank=rank,
            meaning_ids=self.meaning_ids,
            found_ids=self.found_ids,
        )

    def filter_queryset(self, queryset: models.QuerySet) -> models.QuerySet:
        queryset = self.searched(queryset)
        for condition in self.facet_conditions().values():
            if condition is not None:
                queryset = queryset.filter(condition)
        special = (FacetFilter, SearchFilter, SortFilter)
        for name, filter_ in self.filters.items():
            if not isinstance(filter_, special) and name in self.cleaned_data:
                queryset = filter_.filter(queryset, self.cleaned_data[name])
        ordering = self.ordering()
        return queryset.order_by(*ordering) if ordering else queryset

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """For every option of every facet, how many rows there would be with that option
        ticked and the other facets as they are: in SQL as one query (a UNION ALL of each
        facet's grouped counts), or from the pairs in memory (`counts_from_index`)."""
        owners = [
            (name, index)
            for name, facet in self.facet_filters.items()
            for index, _part in enumerate(facet.count_parts(self.queryset.none()))
        ]
        found = self._counted_from_index() if self.counts_from_index else self._counted_in_sql()
        counts: dict[str, dict[str, int]] = {}
        for name, facet in self.facet_filters.items():
            parts = [
                [(option, n, 0) for option, n in found[i]]
                for i, (owner, _index) in enumerate(owners)
                if owner == name
            ]
            counts[name] = facet.read_counts(parts)
        return counts

    def _counted_in_sql(self) -> list[list[tuple[str, int]]]:
        """(option, count) rows per count part, in the order of the facets and their parts."""
        base = self.searched(self.queryset.all(), rank=False)
        conditions = self.facet_conditions()
        selects = []
        for name, facet in self.facet_filters.items():
            others = [c for other, c in conditions.items() if other != name and c is not None]
            for part in facet.count_parts(base.filter(*others)):
                selects.append(
                    part.rows.order_by()
                    .values(part=Value(len(selects)), option=Cast(part.option, TextField()))
                    .annotate(n=part.n, m=part.m)
                    .values_list("part", "option", "n", "m")
                )
        rows: list[list[tuple[str, int]]] = [[] for _select in selects]
        if selects:
            union = selects[0].union(*selects[1:], all=True)
            sql, params = union.query.sql_with_params()
            # Counting every visible row takes a good part of a second at national size,
            # and is the same for everyone with the same reach: shared until data changes.
            found = cached_for_data_version(
                "facet-counts", f"{sql}|{params!r}", lambda: list(union)
            )
            for part, option, n, _m in found:
                rows[part].append((option, n))
        return rows

    def _pair_parts(self) -> list[tuple[str, PairPart]] | None:
        """Every count part as (row, option) pairs over all rows of the model: the same in
        every process for one data version, so built by one process and shared through the
        cache. None while another process builds them (count in SQL meanwhile): a change of
        data would otherwise make every process build at once."""
        name = f"facet-pairs:{type(self).__module__}.{type(self).__qualname__}"

        def build() -> list[tuple[str, PairPart]]:
            everything = self.queryset.model._default_manager.all()
            built = []
            for facet_name, facet in self.facet_filters.items():
                for part in facet.count_parts(everything):
                    pairs = (
                        part.rows.order_by()
                        .annotate(facet_option=Cast(part.option, TextField()))
                        .filter(facet_option__isnull=False)
                        .values_list(part.row, "facet_option")
                    )
                    sql, params = pairs.query.sql_with_params()
                    columns = joined_columns(sql, params, (int, str))
                    built.append((facet_name, PairPart.from_arrays(*columns)))
            return built

        def shared() -> list[tuple[str, PairPart]] | None:
            return cached_for_data_version("facet-pairs", name, build, lease=True)

        return memoised_for_data_version(name, shared)

    def _ids(self, kind: str, queryset: models.QuerySet) -> np.ndarray:
        """The pks of `queryset`, shared until data changes (its SQL holds the user where
        the user matters)."""
        sql, params = queryset.order_by().values_list("pk", flat=True).query.sql_with_params()

        def fetch() -> np.ndarray:
            return np.unique(joined_columns(sql, params, (int,))[0])  # sorted

        return cached_for_data_version(kind, f"{sql}|{params!r}", fetch)

    def _condition_ids(self) -> dict[str, np.ndarray]:
        """For each facet with a condition in effect, the pks of all rows that meet it (not
        only the visible ones): the same for everyone, and kept per facet and value rather
        than per combination of facets, so any combination of values already asked for is
        counted without SQL. Those not kept yet come from one pass over the table."""
        conditions = {
            name: condition
            for name, condition in self.facet_conditions().items()
            if condition is not None
        }
        if not conditions:
            return {}
        manager = self.queryset.model._default_manager

        def rows_meeting(condition: Q) -> tuple[str, tuple]:
            rows = manager.filter(condition).order_by().values_list("pk", flat=True)
            return rows.query.sql_with_params()

        queries = {name: rows_meeting(condition) for name, condition in conditions.items()}

        def fetch(names: list[str]) -> dict[str, np.ndarray]:
            # One statement for all of them; each part brings only the rows that meet it.
            parts, params = [], []
            for i, name in enumerate(names):
                sql, part_params = queries[name]
                parts.append(f"SELECT {i}, meets.pk FROM ({sql}) AS meets(pk)")
                params.extend(part_params)
            part, pks = joined_columns(" UNION ALL ".join(parts), params, (int, int))
            return {name: np.unique(pks[part == i]) for i, name in enumerate(names)}

        return cached_many_for_data_version(
            "facet-condition",
            {name: f"{sql}|{params!r}" for name, (sql, params) in queries.items()},
            fetch,
        )

    @property
    def _other_filters_in_effect(self) -> bool:
        """Whether a filter besides the facets, the search and the sort narrows the rows."""
        special = (FacetFilter, SearchFilter, SortFilter)
        return any(
            not isinstance(filter_, special) and self.cleaned_data.get(name) not in EMPTY_VALUES
            for name, filter_ in self.filters.items()
        )

    def _counted_from_index(self) -> list[list[tuple[str, int]]]:
        pair_parts = self._pair_parts()
        if pair_parts is None:
            return self._counted_in_sql()
        if self.found_ids is not None:
            # The visible rows a search finds: the person's visible rows (kept per person,
            # whatever they search) among the rows found (kept per search), instead of a
            # query per person and search.
            visible = np.intersect1d(
                self._ids("facet-visible", self.queryset.all()),
                np.asarray(self.found_ids, dtype=np.int64),
                assume_unique=True,
            )
        else:
            visible = self._ids("facet-visible", self.searched(self.queryset.all(), rank=False))
        conditions = self._condition_ids()
        if not self._other_filters_in_effect:
            # The rows of the list are exactly these: the page needs no COUNT of its own,
            # and the page is found among them (`page_ids`).
            self._listed_ids = rows_meeting_all(visible, conditions)
            self.result_count = int(self._listed_ids.size)
        return facet_option_counts(pair_parts, visible, conditions)

    def page_ids(self, bottom: int, top: int) -> list[int] | None:
        """The pks of rows [bottom:top] of the list in the sort in effect, found in memory
        among the rows the facet counts already hold, or None (the page then comes from SQL):
        by relevance while searching (`ranked_page_ids`), else in the sort's order
        (`sorted_page_ids`)."""
        if self._listed_ids is None:
            return None
        if self.sort == RELEVANCE:
            return self.ranked_page_ids(bottom, top)
        return self.sorted_page_ids(bottom, top)

    def sorted_page_ids(self, bottom: int, top: int) -> list[int] | None:
        """The pks of rows [bottom:top] of the list in a sort by columns, from the order of
        every row of the table (one query per sort, shared per data version) and the rows of
        this list.

        Why: with facets ticked, or in an order no index keeps together with the visibility
        rules, PostgreSQL reads and sorts every visible row for each page (200 ms for the
        challenges by title at national size); picking the listed ones out of a kept order
        is a mask over 100 000 ids. The sorts end on the pk, so the order is total and the
        same as SQL's."""
        if self._listed_ids is None or self.sort_filter is None or self.sort == RELEVANCE:
            return None
        ordering = self.sort_filter.sorts[self.sort].ordering
        rows = self.queryset.model._base_manager.order_by(*ordering).values_list("pk", flat=True)
        sql, params = rows.query.sql_with_params()
        key = f"{sql}|{params!r}"

        def fetch() -> np.ndarray:
            return joined_columns(sql, params, (int,))[0]

        def shared() -> np.ndarray:
            return cached_for_data_version("sort-order", key, fetch)

        order = memoised_for_data_version(f"sort-order:{key}", shared)
        listed = self._listed_ids
        if not listed.size or not order.size or bottom >= top:
            return []
        size = int(max(order.max(), listed.max())) + 1
        in_list = row_mask(listed, size)[order]
        return [int(pk) for pk in order[in_list][bottom:top]]

    def ranked_page_ids(self, bottom: int, top: int) -> list[int] | None:
        """The pks of rows [bottom:top] of a list ranked by relevance, found in memory among
        the rows the facet counts already hold, or None (the page is then ranked in SQL).

        Why: ranking in SQL computes the full-text rank of every matching row and sorts them
        for each page (about 100 ms for a common word at national size). Here the order by
        full-text rank is shared per search, and fusing it with the order by meaning
        (`fused_rank`'s formula: positions within this list) is arithmetic on arrays. Rows
        with the same score are put in the list's default order by SQL, among the few that
        can be on the page."""
        if self.sort != RELEVANCE or self._listed_ids is None or self.found_ids is None:
            return None
        order = self.search_filter.lexical_order(self.queryset.model, self.search)
        if order is None:
            return None
        listed = self._listed_ids
        scores = fused_scores(listed, order, np.array(self.meaning_ids, dtype=np.int64), FUSION_K)
        top = min(top, int(listed.size))
        if bottom >= top:
            return []
        # Every row scoring at least the page's last: those on the page and any it ties with.
        on_or_above = scores >= -np.partition(-scores, top - 1)[top - 1]
        candidates = listed[on_or_above]
        rank = Case(
            *(
                When(pk=int(pk), then=Value(float(score)))
                for pk, score in zip(candidates, scores[on_or_above], strict=True)
            ),
            default=Value(0.0),
            output_field=models.FloatField(),
        )
        default = self.sort_filter.sorts[self.sort_filter.default].ordering
        ranked = (
            self.queryset.model._base_manager.filter(pk__in=[int(pk) for pk in candidates])
            .annotate(page_rank=rank)
            .order_by(F("page_rank").desc(), *default)
            .values_list("pk", flat=True)
        )
        return list(ranked)[bottom:top]
