from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from apps.core.admin import HubScopedAdminMixin

from .models import IntroductionRequest, Match, MatchRun
from .reasons import reason_texts, taxonomy_labels
from .services import match_set_status


@admin.register(Match)
class MatchAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    """Matches come from the matching engine; a coordinator only moves the review status
    (`suggested → shortlisted → contacted → accepted | declined`), which a recompute keeps."""

    hub_scope_field = "challenge__province"
    list_display = (
        "challenge",
        "rank",
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
        "rank",
        "reasons_display",
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
        "rank",
        "reasons_display",
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

    @admin.display(description=_("reasons"))
    def reasons_display(self, match: Match) -> str:
        return format_html_join(
            mark_safe("<br>"),
            "{}",
            ((text,) for text in reason_texts(match.reasons, taxonomy_labels())),
        )

    def save_model(self, request, obj, form, change):
        # The decision goes through the service a recompute respects.
        if "status" in form.changed_data:
            match_set_status(match=obj, status=obj.status, by=request.user)


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    """Recomputes, their progress and timings. Read-only: runs are started by publishing,
    profile changes, the nightly schedule or `manage.py rematch`."""

    list_display = (
        "id",
        "kind",
        "hub",
        "balanced",
        "status",
        "progress_display",
        "challenges_total",
        "matches_written",
        "matches_removed",
        "duration_display",
        "created_at",
    )
    list_filter = ("kind", "status", "balanced", "hub")
    list_select_related = ("hub",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in MatchRun._meta.fields] + [
        "progress_display",
        "duration_display",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("progress"))
    def progress_display(self, run: MatchRun) -> str:
        return f"{run.chunks_done}/{run.chunks_total} ({run.progress:.0%})"

    @admin.display(description=_("duration"))
    def duration_display(self, run: MatchRun) -> str:
        if not run.started_at:
            return "–"
        end = run.finished_at or timezone.now()
        return f"{(end - run.started_at).total_seconds():.1f} s"


@admin.register(IntroductionRequest)
class IntroductionRequestAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    """Brokered introductions, for the record: the partner decides on the site, so the admin
    only lists them (a coordinator follows up in person)."""

    hub_scope_field = "match__challenge__province"
    list_display = ("match", "state", "requested_by", "created_at", "decided_at")
    list_filter = ("state", ("match__challenge__province", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("match__challenge", "match__organisation", "requested_by")
    search_fields = ("match__challenge__title", "match__organisation__name")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
