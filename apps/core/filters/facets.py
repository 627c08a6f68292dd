"""Multi-select facets: a group of checkboxes whose options widen the list (OR) while facets
narrow each other (AND). Each facet states its test as a `Q` and how to count its options,
so the FilterSet can filter and count with the same definitions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Count,
    F,
    Q,
    Value,
)

from apps.core.data_version import (
    memoised_for_data_version,
)

from .conditions import Choice, CountPart, may_repeat_pairs, rows_where


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
        distinct = may_repeat_pairs(self.model, path)
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
