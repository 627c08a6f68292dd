"""What every filter of a directory is built from: the query string as data, the condition
that a row has one of some related values (without repeating rows), and the parts a facet
is counted by."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import models
from django.db.models import (
    Count,
    Q,
    Value,
)
from django.utils.datastructures import MultiValueDict


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


def may_repeat_pairs(model: type[models.Model], path: str) -> bool:
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
