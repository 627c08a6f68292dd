import django_filters
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from apps.core.filters import HubFilter, ProvincesFilter, SectorFilter, TextFilter, TopicFilter
from apps.taxonomy.models import Format

from .models import Challenge, ChallengeStatus

# What the directory calls open: still looking for partners or under way. Closed ones are
# out in the open too, but only listed when asked for.
LISTED_STATUSES = (ChallengeStatus.PUBLISHED, ChallengeStatus.IN_COMMUNITY)
ALL_OPEN = "all"

NEWEST_FIRST = (F("published_at").desc(nulls_last=True), "-created_at", "-pk")
SORT_ORDERS = {
    "newest": NEWEST_FIRST,
    "oldest": (F("published_at").asc(nulls_last=True), "created_at", "pk"),
    "title": ("title", "pk"),
}


class ChallengeFilterSet(django_filters.FilterSet):
    q = TextFilter(fields=("title", "description"))
    province = ProvincesFilter()
    hub = HubFilter()
    topic = TopicFilter()
    sector = SectorFilter()
    format = django_filters.ModelChoiceFilter(
        field_name="formats",
        to_field_name="slug",
        queryset=Format.objects.all(),
        label=_("Way of working together"),
        empty_label=_("All formats"),
    )
    status = django_filters.ChoiceFilter(
        choices=[
            (ChallengeStatus.PUBLISHED, ChallengeStatus.PUBLISHED.label),
            (ChallengeStatus.IN_COMMUNITY, ChallengeStatus.IN_COMMUNITY.label),
            (ChallengeStatus.CLOSED, ChallengeStatus.CLOSED.label),
            (ALL_OPEN, _("all, closed ones too")),
        ],
        method="filter_status",
        label=_("Status"),
        empty_label=_("open"),
        help_text=_("Open: published or in a community."),
    )
    sort = django_filters.ChoiceFilter(
        choices=[
            ("newest", _("newest first")),
            ("oldest", _("oldest first")),
            ("title", _("title (A–Z)")),
        ],
        method="sort_by",
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Challenge
        fields = []

    def filter_status(self, queryset, name, value):
        if value == ALL_OPEN:
            return queryset
        return queryset.filter(status=value)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDERS[value])

    def filter_queryset(self, queryset):
        """Without a status choice the list holds the open ones only, not the closed."""
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=LISTED_STATUSES)
        return queryset
