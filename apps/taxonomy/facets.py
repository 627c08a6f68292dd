"""The directories' facets over reference data: province, sector and AI topic (the facet
machinery is `apps.core.filters`)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from apps.core.filters import Choice, CountPart, ModelFacetFilter, reference_rows, rows_where

from .models import AITopic, Province, Sector


def topics_matching(topics: Iterable[AITopic]) -> models.QuerySet[AITopic]:
    """The topics that count as any of `topics` in a filter (a queryset, used as a subquery).

    A group stands for anything in it (PRODUCT.md section 4), so a group matches its leaves,
    and a leaf matches the group above it: a challenge asking for "anything in computer
    vision" is a fit for someone looking for visual inspection.
    """
    topics = list(topics)
    groups = [topic.pk for topic in topics if topic.is_group]
    parents = [topic.parent_id for topic in topics if not topic.is_group]
    return AITopic.objects.filter(
        Q(pk__in=[topic.pk for topic in topics]) | Q(parent__in=groups) | Q(pk__in=parents)
    )


class ProvinceFacetFilter(ModelFacetFilter):
    """`?province=NL-ZH&province=NL-UT`; `path` leads to a Province (default `province`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Province.objects.order_by("name_nl"))
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("path", "province")
        kwargs.setdefault("label", _("Province"))
        super().__init__(*args, **kwargs)

    @cached_property
    def facet_choices(self) -> list[Choice]:
        """By name in the reader's language ("Noord-Brabant" is "North Brabant")."""
        return sorted(super().facet_choices, key=lambda choice: choice.label)


class SectorFacetFilter(ModelFacetFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Sector.objects.all())
        kwargs.setdefault("path", "sectors")
        kwargs.setdefault("label", _("Sector"))
        super().__init__(*args, **kwargs)


class TopicFacetFilter(ModelFacetFilter):
    """`?topic=<slug>`: the two levels of AI topics as a tree; a ticked group finds rows on
    any of its leaves, a ticked leaf also finds rows that name its group (`topics_matching`).
    `path` leads to AITopic (default `topics`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", AITopic.objects.order_by("position", "slug"))
        kwargs.setdefault("path", "topics")
        kwargs.setdefault("label", _("AI topic"))
        super().__init__(*args, **kwargs)

    def condition(self, values: Iterable[AITopic]) -> Q:
        return rows_where(self.model, self.path, topics_matching(values))

    @cached_property
    def facet_choices(self) -> list[Choice]:
        topics = reference_rows(self.field.queryset)
        slugs = {topic.pk: topic.slug for topic in topics}
        return [
            Choice(topic, topic.slug, str(topic), slugs.get(topic.parent_id)) for topic in topics
        ]

    count_by_group = True

    @property
    def counts_pairs(self) -> bool:
        """Whether `topic_links` can give the pairs to count (else: option by option)."""
        if not self.count_by_group or "__" in self.path:
            return False
        return self.model._meta.get_field(self.path).many_to_many

    def topic_links(self, queryset: models.QuerySet) -> tuple[models.QuerySet, str, str]:
        """Pairs of a row of `queryset` and a topic it names, for counting: a queryset, the
        path in it to the row and the path to the topic. Here the link table of the one-hop
        many-to-many `path`; a subclass with another way to topics gives its own."""
        field = self.model._meta.get_field(self.path)
        row, topic = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = field.remote_field.through._default_manager.filter(
            **{f"{row}__in": queryset.values("pk")}
        )
        return links, row, topic

    def count_parts(self, queryset: models.QuerySet) -> list[CountPart]:
        """Counts with the meaning of `topics_matching`, from (row, topic) pairs:

        - a group counts the rows naming it or one of its leaves: pairs grouped by the
          topic's group;
        - a leaf counts the rows naming it or its group: pairs grouped by the topic when it
          is a leaf, by each of its leaves when it is a group.
        """
        if not self.counts_pairs:
            return super().count_parts(queryset)
        links, row, topic = self.topic_links(queryset)
        return [
            CountPart(
                links, Coalesce(f"{topic}__parent", topic), Count(row, distinct=True), row=row
            ),
            CountPart(
                links, Coalesce(f"{topic}__children", topic), Count(row, distinct=True), row=row
            ),
        ]

    def read_counts(self, parts) -> dict[str, int]:
        if not self.counts_pairs:
            return super().read_counts(parts)
        by_group, by_leaf = ({int(option): n for option, n, _m in rows} for rows in parts)
        return {
            choice.key: (by_group if choice.value.is_group else by_leaf).get(choice.value.pk, 0)
            for choice in self.facet_choices
        }
