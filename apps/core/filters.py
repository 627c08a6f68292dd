"""Filter pieces shared by the directories (challenges, organisations, communities, hubs,
knowledge base): multi-select facets, full-text search and sorting, on one FilterSet base.

A facet is a group of checkboxes. Ticked options of one facet widen the list (OR), facets
narrow each other (AND). Every facet states its test as a `Q` (`FacetFilter.condition`) and
how to count its options (`FacetFilter.count_parts`), so the FilterSet can both filter and
tell, for every option, how many rows ticking it would give (`ListingFilterSet.facet_counts`),
whatever the number of rows: one UNION ALL query for all facets, or, for the large lists, from
the (row, option) pairs of those same count parts kept in memory (`apps.core.facet_index`).

URL parameters are the facet names repeated (`?province=NL-ZH&province=NL-UT`); a link with
one value (`?topic=ml`) is the same thing with one option ticked.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

import django_filters
import numpy as np
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    Func,
    Q,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.utils.datastructures import MultiValueDict
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

from .search import MAX_QUERY_LENGTH, bilingual_search_vector, search_query

RELEVANCE = "relevance"


def filter_data(filters: Mapping[str, Any] | None) -> MultiValueDict:
    """Filter values as a FilterSet reads them. A QueryDict (`request.GET`) as it is; a plain
    mapping (`{"topic": "ml", "province": ["NL-ZH", "NL-UT"]}`) with every value a list, so a
    checkbox group reads one value as well as several."""
    if isinstance(filters, MultiValueDict):
        return filters
    data = MultiValueDict()
    for key, value in (filters or {}).items():
        data.setlist(key, list(value) if isinstance(value, list | tuple | set) else [value])
    return data


def _spans_many(model: type[models.Model], path: str) -> bool:
    """Whether `path` passes a to-many relation (and so would repeat rows in a join)."""
    for name in path.split("__"):
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        model = field.related_model
    return False


def _may_repeat_pairs(model: type[models.Model], path: str) -> bool:
    """Whether grouping rows by `path` can count a row twice under one option. One to-many
    hop at the end of the path cannot (a link table holds each pair once); a hop before
    another step, or two hops, can."""
    names = path.split("__")
    for position, name in enumerate(names):
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return position != len(names) - 1
        if field.related_model is None:
            return False
        model = field.related_model
    return False


def rows_where(model: type[models.Model], path: str, values: Any) -> Q:
    """`path__in=values` as a condition on `model` that never repeats a row: through a
    to-many relation it becomes `pk IN (subquery)`. When the path starts with a many-to-many
    field the subquery reads its link table alone, without a join back to `model`."""
    first, _, rest = path.partition("__")
    field = model._meta.get_field(first)
    if field.many_to_many and not field.auto_created:
        through = field.remote_field.through
        target = field.m2m_reverse_field_name()
        lookup = f"{target}__{rest}__in" if rest else f"{target}__in"
        links = through._default_manager.filter(**{lookup: values})
        return Q(pk__in=links.values(field.m2m_field_name()))
    condition = Q(**{f"{path}__in": values})
    if _spans_many(model, path):
        return Q(pk__in=model._default_manager.filter(condition).values("pk"))
    return condition


class Choice(NamedTuple):
    """One option of a facet: the cleaned value the condition takes, the string in the URL,
    its label and, for a leaf in a tree, the URL value of its group."""

    value: Any
    key: str
    label: str
    parent: str | None = None


@dataclass
class CountPart:
    """One SELECT of the facet counts: `rows` grouped by `option`, counted by `n` (and `m`,
    a second count some facets need)."""

    rows: models.QuerySet
    option: Any
    n: Any = dataclasses.field(default_factory=lambda: Count("pk"))
    m: Any = dataclasses.field(default_factory=lambda: Value(0))
    # The path in `rows` to the listed row's pk (what `n` counts), for counting from pairs.
    row: str = "pk"


# --- Facets -----------------------------------------------------------------------------------


class FacetFilter:
    """A multi-select facet (mixin for django-filter's multiple-choice filters).

    `default`: what applies while nothing is ticked (None: no condition).
    """

    def __init__(self, *args, default: Iterable | None = None, **kwargs):
        self.default = default
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("distinct", False)  # conditions never repeat rows (see rows_where)
        super().__init__(*args, **kwargs)

    @property
    def path(self) -> str:
        """The lookup path from the listed model (set by a subclass; default the name)."""
        return getattr(self, "_path", None) or self.field_name

    def condition(self, values: Iterable) -> Q:
        raise NotImplementedError

    def effective_condition(self, values: Iterable | None) -> Q | None:
        if values:
            return self.condition(values)
        if self.default is not None:
            return self.condition(self.default)
        return None

    def filter(self, queryset: models.QuerySet, value) -> models.QuerySet:
        condition = self.effective_condition(value)
        return queryset if condition is None else queryset.filter(condition)

    @cached_property
    def facet_choices(self) -> list[Choice]:
        raise NotImplementedError

    def selected_keys(self, cleaned: Iterable) -> set[str]:
        raise NotImplementedError

    # -- counting ----------------------------------------------------------------------------
    #
    # A facet says how to count its options as `CountPart`s: rows grouped by an option
    # expression. The FilterSet runs the parts of all facets as one UNION ALL query and hands
    # each facet its rows back (`read_counts`).

    # Whether the options can be counted by grouping the rows by the values on `path` (one
    # pass over the rows) rather than by testing every option's condition. A subclass that
    # brings its own `condition` counts option by option, unless it says otherwise.
    count_by_group = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "condition" in cls.__dict__ and "count_by_group" not in cls.__dict__:
            cls.count_by_group = False

    def count_parts(self, queryset: models.QuerySet) -> list[CountPart]:
        """Option by option: one part per option, its condition on `queryset`. Fine for small
        tables; grouping subclasses do better."""
        return [
            CountPart(queryset.filter(self.condition([choice.value])), Value(choice.key))
            for choice in self.facet_choices
        ]

    def read_counts(self, parts: list[list[tuple[str, int, int]]]) -> dict[str, int]:
        """{choice key: count} from the rows (option, n, m) of each of `count_parts` (an
        option without rows has none: 0)."""
        counts = dict.fromkeys((choice.key for choice in self.facet_choices), 0)
        counts.update((option, n) for rows in parts for option, n, _m in rows)
        return counts

    def grouped_part(self, queryset: models.QuerySet, path: str) -> CountPart:
        # DISTINCT makes PostgreSQL sort every row; only a path that can pair a row with the
        # same option twice needs it (the querysets here never repeat a row themselves).
        distinct = _may_repeat_pairs(self.model, path)
        return CountPart(queryset, F(path), Count("pk", distinct=distinct))

    def read_grouped(self, rows, keys: Mapping[str, str]) -> dict[str, int]:
        """Counts per choice key from grouped rows; `keys` maps the value as text in the
        database to the choice key."""
        counts = dict.fromkeys(keys.values(), 0)
        counts.update((keys[option], n) for option, n, _m in rows if option in keys)
        return counts


def reference_rows(queryset: models.QuerySet) -> list[models.Model]:
    """The rows of a facet's reference data (provinces, hubs, topics, sectors, formats,
    kinds), kept in this process while the data version stays the same: every directory
    page lists them all as options, five queries and 180 objects a page otherwise. The
    instances are only read (their labels follow the language of whoever reads them)."""
    sql, params = queryset.query.sql_with_params()
    return memoised_for_data_version(f"reference-rows:{sql}|{params!r}", lambda: list(queryset))


class FacetModelChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Checks the ticked values against the options its facet has loaded for the form
    anyway, instead of asking the database once more."""

    facet: ModelFacetFilter

    def _check_values(self, value):
        try:
            keys = frozenset(str(key) for key in value)
        except TypeError:
            raise ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        known = {choice.key: choice.value for choice in self.facet.facet_choices}
        for key in sorted(keys):
            if key not in known:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                )
        return [known[key] for key in keys]


class ModelFacetFilter(FacetFilter, django_filters.ModelMultipleChoiceFilter):
    """A facet over reference rows named by slug (`?sector=energy&sector=health`); `path`
    leads from the listed model to those rows."""

    field_class = FacetModelChoiceField

    def __init__(self, *args, path: str | None = None, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)
        self._path = path

    @property
    def field(self):
        field = super().field
        field.facet = self
        return field

    def condition(self, values: Iterable[models.Model]) -> Q:
        return rows_where(self.model, self.path, list(values))

    @cached_property
    def facet_choices(self) -> list[Choice]:
        key = self.extra["to_field_name"]
        return [
            Choice(instance, str(getattr(instance, key)), str(instance))
            for instance in reference_rows(self.field.queryset)
        ]

    def selected_keys(self, cleaned: Iterable[models.Model]) -> set[str]:
        key = self.extra["to_field_name"]
        return {str(getattr(instance, key)) for instance in cleaned}

    count_by_group = True

    def count_parts(self, queryset: models.QuerySet) -> list[CountPart]:
        if not self.count_by_group:
            return super().count_parts(queryset)
        return [self.grouped_part(queryset, self.path)]

    def read_counts(self, parts) -> dict[str, int]:
        if not self.count_by_group:
            return super().read_counts(parts)
        keys = {str(choice.value.pk): choice.key for choice in self.facet_choices}
        return self.read_grouped(parts[0], keys)


class ChoiceFacetFilter(FacetFilter, django_filters.MultipleChoiceFilter):
    """A facet over fixed choices (`?status=closed`). `aliases` are extra URL values that
    stand for several choices, kept so that older links work (`status=all`)."""

    def __init__(self, *args, path: str | None = None, aliases=None, **kwargs):
        self.aliases = dict(aliases or {})
        visible = list(kwargs.pop("choices"))
        kwargs["choices"] = visible + [(alias, alias) for alias in self.aliases]
        super().__init__(*args, **kwargs)
        self.visible_choices = visible
        self._path = path

    def expand(self, values: Iterable[str]) -> list[str]:
        expanded: list[str] = []
        for value in values:
            expanded.extend(self.aliases.get(value, [value]))
        return expanded

    def condition(self, values: Iterable[str]) -> Q:
        return rows_where(self.model, self.path, self.expand(values))

    @cached_property
    def facet_choices(self) -> list[Choice]:
        return [Choice(value, str(value), str(label)) for value, label in self.visible_choices]

    def selected_keys(self, cleaned: Iterable[str]) -> set[str]:
        return set(self.expand(cleaned))

    count_by_group = True

    def _grouped(self) -> bool:
        return self.count_by_group and "__" not in self.path

    def count_parts(self, queryset: models.QuerySet) -> list[CountPart]:
        if not self._grouped():
            return super().count_parts(queryset)
        return [self.grouped_part(queryset, self.path)]

    def read_counts(self, parts) -> dict[str, int]:
        if not self._grouped():
            return super().read_counts(parts)
        # The stored value of each choice, as PostgreSQL writes it as text ("1" is "true").
        field = self.model._meta.get_field(self.path)
        keys = {}
        for choice in self.facet_choices:
            stored = field.to_python(choice.key)
            keys[str(stored).lower() if isinstance(stored, bool) else str(stored)] = choice.key
        return self.read_grouped(parts[0], keys)


# --- Search and sort --------------------------------------------------------------------------


class SearchFilter(django_filters.CharFilter):
    """The search box (`?q=`): full text in Dutch and English (`apps.core.search`), and
    optionally by meaning and by label.

    `document` names a stored search vector of the model, or is a callable that returns a
    vector expression (for small tables without a stored one).

    `meaning(text) -> ids`, when given, adds the rows whose text means what the query says
    (best first; apps.semantics), in any language and without sharing a word. `labels` names
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
        parts = []
        for relation in self.labels:
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
            parts.append(
                model._base_manager.filter(**{f"{relation}__in": found.values("pk")})
                .order_by()
                .values("pk")
            )
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
        return sorted(set(self.found_by_words(model, query)) | set(meaning_ids))

    def found_by_words(self, model: type[models.Model], query: SearchQuery) -> list[int]:
        """The pks of the rows the words or the labels find, sorted. The same for everyone
        who searches these words, so shared until the data changes: a label can find
        thousands of rows (100 ms at national size), and popular searches come back."""
        return self._found_by_words(model, query)[1]

    def _found_by_words(
        self, model: type[models.Model], query: SearchQuery
    ) -> tuple[str, list[int]]:
        """(the key the found rows are shared under, the rows), once per page."""
        return self._once_per_page("found-by-words", model, query, self._find_by_words)

    def _find_by_words(
        self, model: type[models.Model], query: SearchQuery
    ) -> tuple[str, list[int]]:
        parts = [self._by_words(model, query).values_list("pk", flat=True)]
        parts += [part.values_list("pk", flat=True) for part in self._label_rows(model, query)]
        union = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
        sql, params = union.query.sql_with_params()
        key = f"{sql}|{params!r}"
        words = cached_for_data_version("search-found", key, lambda: sorted(set(union)))
        return key, words

    def lexical_order(self, model: type[models.Model], query: SearchQuery) -> np.ndarray | None:
        """The rows the words or labels find, in the order `fused_rank` gives them within
        any list (full-text rank, then pk), shared until the data changes; None for a
        document computed per query (a small table without a stored one). Kept under the
        found rows' key (the query's, not its thousands of pks)."""
        if callable(self.document):
            return None
        key, words = self._found_by_words(model, query)
        rows = (
            model._base_manager.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (words,)))
            .order_by(SearchRank(F(self.document), query).desc(), "pk")
            .values_list("pk", flat=True)
        )
        return cached_for_data_version(
            "search-order",
            f"{self.document}|{key}",
            lambda: np.array(list(rows), dtype=np.int64),
        )

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


def _joined_columns(sql: str, params, types: tuple[type, ...]) -> list[np.ndarray]:
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
        _int_column(text) if kind is int else np.array(text.split(_SEPARATOR) if text else [])
        for text, kind in zip(joined, types, strict=True)
    ]


_SEPARATOR = "\x1f"


def _int_column(text: str | None) -> np.ndarray:
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


@dataclass(frozen=True)
class Sort:
    label: Any
    ordering: tuple


class SortFilter(django_filters.ChoiceFilter):
    """`?sort=`: one of `sorts` (a dict of key to Sort), or relevance while searching. The
    FilterSet orders last, after the search has ranked the rows."""

    def __init__(self, *args, sorts: dict[str, Sort], default: str, **kwargs):
        self.sorts = sorts
        self.default = default
        choices = [(RELEVANCE, _("relevance")), *((key, s.label) for key, s in sorts.items())]
        kwargs.setdefault("label", _("Sort by"))
        kwargs.setdefault("empty_label", None)
        super().__init__(*args, choices=choices, **kwargs)

    def filter(self, queryset: models.QuerySet, value) -> models.QuerySet:
        return queryset


# --- The FilterSet ----------------------------------------------------------------------------


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
    def meaning_ids(self) -> list[int]:
        """The rows the query finds by meaning, best first (none without a search)."""
        search_filter = self.search_filter
        if self.search is None or search_filter.meaning is None:
            return []
        return search_filter.meaning(self._value(search_filter) or "")

    @cached_property
    def found_ids(self) -> list[int] | None:
        """Every row the search finds, once per page (`SearchFilter.found_ids`)."""
        if self.search is None:
            return None
        return self.search_filter.found_ids(self.queryset.model, self.search, self.meaning_ids)

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
                    columns = _joined_columns(sql, params, (int, str))
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
            return np.unique(_joined_columns(sql, params, (int,))[0])  # sorted

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
            part, pks = _joined_columns(" UNION ALL ".join(parts), params, (int, int))
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
            return _joined_columns(sql, params, (int,))[0]

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
