"""Search in a directory: PostgreSQL full text in Dutch and English fused with search by
meaning (reciprocal rank fusion), and the SQL pieces that rank the found rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
import numpy as np
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    Func,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.utils.translation import gettext_lazy as _

from apps.core.data_version import (
    cached_for_data_version,
)

from ..search import MAX_QUERY_LENGTH, bilingual_search_vector, search_query


class SearchFilter(django_filters.CharFilter):
    """The search box (`?q=`): full text in Dutch and English (`apps.core.search`), and
    optionally by meaning and by label.

    `document` names a stored search vector of the model, or is a callable that returns a
    vector expression (for small tables without a stored one).

    `meaning(text) -> ids`, when given, adds the rows whose text means what the query says
    (best first; apps.semantics), in any language and without sharing a word. It may also
    return a callable that gives the ids: a search by meaning running in the background,
    which the FilterSet collects after its words' query. `labels` names
    relations to bilingual labels (topics, sectors): rows labelled with a label whose names or
    plain explanation match the query are found too. The rows are then ranked by reciprocal
    rank fusion of the full-text rank and the rank by meaning.
    """

    def __init__(
        self,
        *args,
        document: str | Callable[[], Any] = "search_document",
        meaning: Callable[[str], list[int]] | None = None,
        labels: tuple[str, ...] = (),
        **kwargs,
    ):
        self.document = document
        self.meaning = meaning
        self.labels = labels
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(*args, **kwargs)

    def _label_rows(self, model: type[models.Model], query: SearchQuery) -> list[models.QuerySet]:
        """Per label relation: the pks of rows labelled with a label the query matches. Built
        once per page (the found rows and the rank both need them; this filter is copied for
        each FilterSet)."""
        return self._once_per_page("label-rows", model, query, self._build_label_rows)

    def _once_per_page(self, name: str, model, query: SearchQuery, build):
        """`build(model, query)`, kept on this filter for the page: django-filter copies the
        filter for each FilterSet, so what it keeps lasts one request (the same query object
        is asked for more than once per page)."""
        kept = self.__dict__.setdefault("_kept_on_this_page", {})
        found = kept.get((name, model))
        if found is None or found[0] is not query:
            found = kept[(name, model)] = (query, build(model, query))
        return found[1]

    def _build_label_rows(
        self, model: type[models.Model], query: SearchQuery
    ) -> list[models.QuerySet]:
        """The labels the query matches are read first, in one small query over the label
        tables; the rows are then read from the link tables alone, by those label ids. (A
        subquery per label table made PostgreSQL expect thousands of labels and join every
        row of the directory: 70-100 ms a search at national size.)"""
        matched = []
        for index, relation in enumerate(self.labels):
            label_model = model._meta.get_field(relation).related_model
            fields = [
                name
                for name in ("name_nl", "name_en", "description_nl", "description_en")
                if hasattr(label_model, name)
            ]
            found = label_model.objects.alias(
                label_document=bilingual_search_vector(*fields)
            ).filter(label_document=query)
            if hasattr(label_model, "parent"):
                # A group's name finds what is labelled with any of its topics.
                found = label_model.objects.filter(
                    Q(pk__in=found.values("pk")) | Q(parent__in=found.values("pk"))
                )
            matched.append(
                found.order_by().annotate(relation=Value(index)).values_list("relation", "pk")
            )
        if not matched:
            return []
        label_ids: dict[int, list[int]] = {}
        for index, pk in matched[0].union(*matched[1:], all=True):
            label_ids.setdefault(index, []).append(pk)
        parts = []
        for index, relation in enumerate(self.labels):
            if index not in label_ids:
                continue
            field = model._meta.get_field(relation)
            links = field.remote_field.through.objects.filter(
                **{f"{field.m2m_reverse_field_name()}__in": label_ids[index]}
            )
            parts.append(links.order_by().values_list(field.m2m_field_name(), flat=True))
        return parts

    def _by_words(self, model: type[models.Model], query: SearchQuery) -> models.QuerySet:
        rows = model._base_manager.order_by()
        if callable(self.document):
            return rows.alias(search_vector=self.document()).filter(search_vector=query)
        return rows.filter(**{self.document: query})

    def found_ids(
        self, model: type[models.Model], query: SearchQuery, meaning_ids: list[int]
    ) -> list[int] | None:
        """Every row the query finds, by words, labels or meaning (before visibility and the
        facets), in one query; None when words alone decide (the plain condition is used).

        Computed once per page and handed to every query of it as one array: an OR of the
        three ways inside each facet count made PostgreSQL test every row of the table per
        facet (2-3 s at 100 000 challenges), and a subquery per way misled its estimates."""
        if not meaning_ids and not self.labels:
            return None
        words = np.asarray(self.found_by_words(model, query), dtype=np.int64)
        return np.union1d(words, np.asarray(meaning_ids, dtype=np.int64)).tolist()

    def found_by_words(self, model: type[models.Model], query: SearchQuery) -> list[int]:
        """The pks of the rows the words or the labels find, sorted. The same for everyone
        who searches these words, so shared until the data changes: a label can find
        thousands of rows (100 ms at national size), and popular searches come back."""
        return self._found_by_words(model, query)[0]

    def lexical_order(self, model: type[models.Model], query: SearchQuery) -> np.ndarray | None:
        """The rows the words or labels find, in the order `fused_rank` gives them within
        any list (full-text rank, then pk), shared with them until the data changes; None
        for a document computed per query (a small table without a stored one)."""
        return self._found_by_words(model, query)[1]

    def _found_by_words(
        self, model: type[models.Model], query: SearchQuery
    ) -> tuple[list[int], np.ndarray | None]:
        """(the rows, their lexical order), once per page."""
        return self._once_per_page("found-by-words", model, query, self._find_by_words)

    def _find_by_words(
        self, model: type[models.Model], query: SearchQuery
    ) -> tuple[list[int], np.ndarray | None]:
        """The rows the words or labels find and, for a stored document, their order by
        full-text rank then pk, from one query: the rank is computed while the words' matches
        are read from the table (a second pass to rank up to 10 000 rows took 60 ms). Shared
        under the query's SQL (not its thousands of pks)."""
        by_words = self._by_words(model, query)
        labelled = self._label_rows(model, query)
        parts = [by_words.values_list("pk", flat=True), *labelled]
        union = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        sql, params = union.query.sql_with_params()
        if callable(self.document):

            def fetch_rows() -> tuple[list[int], None]:
                return np.unique(joined_columns(sql, params, (int,))[0]).tolist(), None

            return cached_for_data_version("search-found", f"{sql}|{params!r}", fetch_rows)

        rank = Cast(SearchRank(F(self.document), query), models.FloatField())
        ranked = [by_words.annotate(lexical_rank=rank).values_list("pk", "lexical_rank")]
        if labelled:
            only_labelled = Q()
            for part in labelled:
                only_labelled |= Q(pk__in=part)
            ranked.append(
                model._base_manager.order_by()
                .filter(only_labelled)
                .exclude(**{self.document: query})
                .annotate(lexical_rank=rank)
                .values_list("pk", "lexical_rank")
            )
        ranked_sql, ranked_params = (
            ranked[0].union(*ranked[1:], all=True) if len(ranked) > 1 else ranked[0]
        ).query.sql_with_params()

        def fetch() -> tuple[list[int], np.ndarray]:
            pks, ranks = joined_columns(ranked_sql, ranked_params, (int, str))
            # Double precision holds PostgreSQL's real rank exactly: the same order as SQL's.
            order = pks[np.lexsort((pks, -ranks.astype(np.float64)))]
            return np.unique(pks).tolist(), order

        return cached_for_data_version("search-found", f"{ranked_sql}|{ranked_params!r}", fetch)

    def search(
        self,
        queryset: models.QuerySet,
        query: SearchQuery,
        *,
        rank: bool = True,
        meaning_ids: list[int] | None = None,
        found_ids: list[int] | None = None,
    ):
        model = queryset.model
        if callable(self.document):
            queryset = queryset.alias(search_vector=self.document())
            name = "search_vector"
        else:
            name = self.document
        meaning_ids = meaning_ids or []
        if found_ids is None:
            found_ids = self.found_ids(model, query, meaning_ids)
        if found_ids is None:
            queryset = queryset.filter(**{name: query})
            if rank:
                queryset = queryset.annotate(**{RANK: SearchRank(F(name), query)})
            return queryset
        queryset = queryset.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (found_ids,)))
        if rank:
            lexical = Q(**{name: query})
            for part in self._label_rows(model, query):
                lexical |= Q(pk__in=part)
            queryset = queryset.annotate(**{RANK: fused_rank(name, query, lexical, meaning_ids)})
        return queryset

    def filter(self, queryset: models.QuerySet, value: str) -> models.QuerySet:
        query = search_query(value or "")
        return queryset if query is None else self.search(queryset, query)


# The annotation a searched list is ranked by.
RANK = "search_rank"


# Reciprocal rank fusion's constant (Cormack, Clarke and Buettcher 2009): a row ranked first
# by one list outweighs one ranked about k places down by both.
FUSION_K = 60


def joined_columns(sql: str, params, types: tuple[type, ...]) -> list[np.ndarray]:
    """The columns of the rows of `sql` as arrays of `types` (int or str). PostgreSQL joins
    each column into one text and NumPy splits it: several times faster than a Python tuple
    per row for 100 000s of rows. The separator is a control character (chr(31)) that no id,
    slug or choice key holds; a NULL arrives as ""."""
    names = ", ".join(f"c{i}" for i in range(len(types)))
    columns = ", ".join(
        f"string_agg(coalesce(rows.c{i}::text, ''), chr(31))" for i in range(len(types))
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM ({sql}) AS rows({names})", params)
        joined = cursor.fetchone()
    return [
        int_column(text) if kind is int else np.array(text.split(_SEPARATOR) if text else [])
        for text, kind in zip(joined, types, strict=True)
    ]


_SEPARATOR = "\x1f"


def int_column(text: str | None) -> np.ndarray:
    """The integers of a joined column, parsed by NumPy in C (2 ms for 100 000 ids, against
    11 ms through a list of strings). A column with an empty field (a NULL) goes the slow
    way, which refuses it as before."""
    if not text:
        return np.array([], dtype=np.int64)
    if _SEPARATOR * 2 in text or text.startswith(_SEPARATOR) or text.endswith(_SEPARATOR):
        return np.array(text.split(_SEPARATOR), dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=_SEPARATOR)


def fused_rank(document: str, query: SearchQuery, lexical: Q, meaning_ids: list[int]):
    """1 / (k + full-text position) for rows the words find, plus 1 / (k + position by
    meaning) for rows meaning finds: both lists' best rise to the top."""
    lexical_position = Window(
        RowNumber(),
        order_by=[
            Case(When(lexical, then=Value(0)), default=Value(1)).asc(),
            SearchRank(F(document), query).desc(),
            F("pk").asc(),
        ],
    )
    by_words = Case(
        # In double precision (not numeric), as `facet_index.fused_scores` computes it, so
        # a page ranked in memory ties exactly where this does.
        When(
            lexical,
            then=Cast(Value(1.0), models.FloatField())
            / (Cast(Value(float(FUSION_K)), models.FloatField()) + lexical_position),
        ),
        default=Value(0.0),
        output_field=models.FloatField(),
    )
    # 1 / (k + position in `meaning_ids`), by the pk's position in the array: one expression
    # however many rows meaning finds (a CASE with a WHEN per row cost 10 000 expression
    # copies per page). No position (not found by meaning) gives NULL, so 0.
    position = Func(
        Cast(Value(list(meaning_ids)), ArrayField(models.BigIntegerField())),
        Cast(F("pk"), models.BigIntegerField()),
        function="array_position",
        output_field=models.IntegerField(),
    )
    by_meaning = Coalesce(
        Cast(Value(1.0), models.FloatField())
        / (Cast(Value(float(FUSION_K)), models.FloatField()) + position),
        Value(0.0),
        output_field=models.FloatField(),
    )
    return ExpressionWrapper(by_words + by_meaning, output_field=models.FloatField())
