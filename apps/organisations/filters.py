import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.filters import HubFilter, ProvincesFilter, SectorFilter, TextFilter, TopicFilter
from apps.taxonomy.models import OrganisationKind

from .models import Organisation


class OrganisationFilterSet(django_filters.FilterSet):
    q = TextFilter(fields=("name",))
    kind = django_filters.ModelMultipleChoiceFilter(
        field_name="kind__slug",  # django-filter compares the `to_field_name` value
        to_field_name="slug",
        distinct=False,
        queryset=OrganisationKind.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Kind of organisation"),
    )
    province = ProvincesFilter()
    hub = HubFilter()
    topic = TopicFilter()
    sector = SectorFilter()

    class Meta:
        model = Organisation
        fields = []
