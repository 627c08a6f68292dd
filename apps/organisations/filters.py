import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.filters import TextFilter, TopicFilter
from apps.hubs.models import Hub
from apps.taxonomy.models import OrganisationKind, Province, Sector

from .models import Organisation


class OrganisationFilterSet(django_filters.FilterSet):
    q = TextFilter(fields=("name",))
    kind = django_filters.ModelMultipleChoiceFilter(
        field_name="kind__slug",
        to_field_name="slug",
        distinct=False,
        queryset=OrganisationKind.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Kind of organisation"),
    )
    province = django_filters.ModelMultipleChoiceFilter(
        # With `to_field_name` django-filter compares that value, so name it in the path.
        field_name="province__code",
        to_field_name="code",
        distinct=False,  # a foreign key: no duplicate rows to remove
        queryset=Province.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Province"),
    )
    hub = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Hub.objects.all(),
        method="filter_hub",
        label=_("AI hub"),
        empty_label=_("All hubs"),
    )
    topic = TopicFilter()
    sector = django_filters.ModelChoiceFilter(
        field_name="sectors",
        to_field_name="slug",
        queryset=Sector.objects.all(),
        label=_("Sector"),
        empty_label=_("All sectors"),
    )

    class Meta:
        model = Organisation
        fields = []

    def filter_hub(self, queryset, name, hub):
        return queryset.filter(province__in=hub.provinces.all())
