from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.admin import HubScopedAdminMixin

from .models import Match


@admin.register(Match)
class MatchAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    """Matches come from the matching engine; a coordinator only moves the review status
    (`suggested → shortlisted → contacted → accepted | declined`), which a recompute keeps."""

    hub_scope_field = "challenge__province"
    list_display = (
        "challenge",
        "partner",
        "score_display",
        "status",
        "algorithm_version",
        "computed_at",
    )
    list_filter = (
        "status",
        ("challenge__province", admin.RelatedOnlyFieldListFilter),
        "algorithm_version",
    )
    list_select_related = ("challenge", "organisation", "person")
    search_fields = (
        "challenge__title",
        "challenge__ref",
        "organisation__name",
        "person__email",
        "person__full_name",
    )
    date_hierarchy = "computed_at"
    fields = (
        "challenge",
        "organisation",
        "person",
        "score",
        "reasons",
        "algorithm_version",
        "computed_at",
        "status",
        "status_changed_at",
        "status_changed_by",
    )
    readonly_fields = (
        "challenge",
        "organisation",
        "person",
        "score",
        "reasons",
        "algorithm_version",
        "computed_at",
        "status_changed_at",
        "status_changed_by",
    )

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("partner"))
    def partner(self, match: Match) -> str:
        return str(match.organisation or match.person)

    @admin.display(description=_("score"), ordering="score")
    def score_display(self, match: Match) -> str:
        return f"{match.score:.2f}"

    def save_model(self, request, obj, form, change):
        # Recording who decided is what lets a recompute leave this match alone.
        if "status" in form.changed_data:
            obj.status_changed_at = timezone.now()
            obj.status_changed_by = request.user
        super().save_model(request, obj, form, change)
