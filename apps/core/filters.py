"""Filter pieces shared by the organisation and challenge directories."""

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.hubs.models import Hub
from apps.taxonomy.models import AITopic, Province, Sector


def topics_matching(topic: AITopic) -> models.QuerySet[AITopic]:
    """The topics that count as `topic` in a filter (a queryset, used as a subquery).

    A group stands for anything in it (PRODUCT.md section 4), so a group matches its leaves,
    and a leaf matches the group above it: a challenge asking for "anything in computer
    vision" is a fit for someone looking for visual inspection.
    """
    same = models.Q(pk=topic.pk)
    if topic.is_group:
        return AITopic.objects.filter(same | models.Q(parent=topic))
    return AITopic.objects.filter(same | models.Q(pk=topic.parent_id))


class TopicChoiceField(django_filters.fields.ModelChoiceField):
    """A select that shows the two levels: groups, then their leaves indented."""

    def label_from_instance(self, obj: AITopic) -> str:
        return obj.name if obj.is_group else f"\u2003{obj.name}"


class TopicFilter(django_filters.ModelChoiceFilter):
    """`?topic=<slug>` on a model with a `topics` many-to-many to AITopic."""

    field_class = TopicChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", AITopic.objects.order_by("position", "slug"))
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("label", _("AI topic"))
        kwargs.setdefault("empty_label", _("All topics"))
        super().__init__(*args, **kwargs)

    def filter(self, queryset: models.QuerySet, value: AITopic | None) -> models.QuerySet:
        if not value:
            return queryset
        # A subquery rather than a join: a row with two matching topics must appear once.
        with_topic = queryset.model.objects.filter(topics__in=topics_matching(value))
        return queryset.filter(pk__in=with_topic.values("pk"))


class TextFilter(django_filters.CharFilter):
    """The free-text box of a directory: `icontains` on any of `fields`."""

    def __init__(self, *args, fields: tuple[str, ...], **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(*args, **kwargs)

    def filter(self, queryset: models.QuerySet, value: str) -> models.QuerySet:
        if not value:
            return queryset
        matches = models.Q()
        for field in self.search_fields:
            matches |= models.Q(**{f"{field}__icontains": value})
        return queryset.filter(matches)


class ProvincesFilter(django_filters.ModelMultipleChoiceFilter):
    """`?province=NL-ZH&province=NL-UT` on a model with a `province` foreign key."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Province.objects.all())
        # With `to_field_name` django-filter compares that value, so name it in the path.
        kwargs.setdefault("field_name", "province__code")
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("distinct", False)  # a foreign key: no duplicate rows to remove
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("label", _("Province"))
        super().__init__(*args, **kwargs)


class HubFilter(django_filters.ModelChoiceFilter):
    """`?hub=<slug>`: the provinces the hub covers, on a model with a `province`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Hub.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("label", _("AI hub"))
        kwargs.setdefault("empty_label", _("All hubs"))
        super().__init__(*args, **kwargs)

    def filter(self, queryset: models.QuerySet, value: Hub | None) -> models.QuerySet:
        if not value:
            return queryset
        return queryset.filter(province__in=value.provinces.all())


class SectorFilter(django_filters.ModelChoiceFilter):
    """`?sector=<slug>` on a model with a `sectors` many-to-many (one value: no duplicates)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Sector.objects.all())
        kwargs.setdefault("field_name", "sectors")
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("label", _("Sector"))
        kwargs.setdefault("empty_label", _("All sectors"))
        super().__init__(*args, **kwargs)
