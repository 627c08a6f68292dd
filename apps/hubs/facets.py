"""The directories' hub facet (the facet machinery is `apps.core.filters`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.filters import CountPart, ModelFacetFilter, rows_where
from apps.taxonomy.models import Province

from .models import Hub


class HubFacetFilter(ModelFacetFilter):
    """`?hub=<slug>`. Give `province_path` for rows that lie in a province (a hub stands for
    the provinces it covers), or `path` for rows that name their hub."""

    def __init__(self, *args, province_path: str | None = None, **kwargs):
        kwargs.setdefault("queryset", Hub.objects.order_by("name"))
        kwargs.setdefault("label", _("AI hub"))
        self.province_path = province_path
        super().__init__(*args, **kwargs)

    def condition(self, values: Iterable[Hub]) -> Q:
        if self.province_path:
            provinces = Province.objects.filter(hubs__in=list(values)).values("pk")
            return rows_where(self.model, self.province_path, provinces)
        return super().condition(values)

    count_by_group = True

    def count_parts(self, queryset: models.QuerySet) -> list[CountPart]:
        if not self.count_by_group:
            return super().count_parts(queryset)
        path = f"{self.province_path}__hubs" if self.province_path else self.path
        return [self.grouped_part(queryset, path)]
