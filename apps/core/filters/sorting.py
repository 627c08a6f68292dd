"""The sort choice of a directory (relevance while searching, otherwise the list's own
orders)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django.db import models
from django.utils.translation import gettext_lazy as _

RELEVANCE = "relevance"


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
