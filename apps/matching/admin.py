from django.contrib import admin
from django.contrib.auth import get_permission_codename
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from apps.accounts.admin_scope import HubScopedAdminMixin
from apps.challenges.admin import ChallengeAdmin

from . import admin_views
from .models import IntroductionRequest, Match, MatchRun
from .permissions import match_runs_followed_by
from .reasons import reason_texts, taxonomy_labels
from .selectors import match_quotes


class MatchInline(admin.TabularInline):
    """Matches are computed; the coordinator reviews them on the match pages."""

    model = Match
    fields = ("organisation", "person", "score", "status", "algorithm_version", "computed_at")
    readonly_fields = fields
    ordering = ("-score",)
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("challenge", "organisation", "person")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# A challenge's admin page lists its suggestions.
ChallengeAdmin.extra_inlines.append(MatchInline)


@admin.register(Match)
class MatchAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    """Matches come from the matching engine; a coordinator only moves the review status
    (`suggested → shortlisted → contacted → accepted | declined`), which a recompute keeps,
    with the buttons of the match review page (admin_views.py), one page per challenge."""

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
        "review_link",
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
        "status",
        "status_changed_at",
        "status_changed_by",
        "review_link",
    )

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        def view(function):
            def bound(request, **kwargs):
                return function(request, model_admin=self, **kwargs)

            return self.admin_site.admin_view(bound)

        return [
            path(
                "review/<int:challenge_id>/",
                view(admin_views.match_review),
                name="matching_match_review",
            ),
            path(
                "review/<int:challenge_id>/match/<int:match_id>/status/",
                view(admin_views.match_review_set_status),
                name="matching_match_set_status",
            ),
            path(
                "review/<int:challenge_id>/rematch/",
                view(admin_views.match_review_rematch),
                name="matching_match_rematch",
            ),
            path(
                "review/<int:challenge_id>/balanced-run/",
                view(admin_views.match_review_balanced_run),
                name="matching_match_balanced_run",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("review"))
    def review_link(self, match: Match) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:matching_match_review", args=[match.challenge_id]),
            _("Review the matches of this challenge"),
        )

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
            (
                (text,)
                for text in reason_texts(
                    match.reasons, taxonomy_labels(), quote=match_quotes([match]).get(match.pk)
                )
            ),
        )


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    """Recomputes, their progress and timings. Read-only: runs are started by publishing,
    profile changes, the nightly schedule, `manage.py rematch` or a coordinator on the match
    review page. A hub coordinator sees the runs of their hubs and those that recompute a
    challenge of their region, with the rights they have on matches."""

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
    list_filter = ("kind", "status", "balanced", ("hub", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("hub",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in MatchRun._meta.fields] + [
        "progress_display",
        "duration_display",
    ]

    def get_queryset(self, request):
        return match_runs_followed_by(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        # Whoever may look at matches may follow the runs that compute them.
        return super().has_view_permission(request, obj) or request.user.has_perm(
            f"matching.{get_permission_codename('view', Match._meta)}"
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        def progress(request, run_id):
            return admin_views.matchrun_progress(request, model_admin=self, run_id=run_id)

        return [
            path(
                "<int:run_id>/progress/",
                self.admin_site.admin_view(progress),
                name="matching_matchrun_progress",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("progress"))
    def progress_display(self, run: MatchRun) -> str:
        # The same fragment as on the match review page; a running row refreshes itself.
        return render_to_string(
            "admin/matching/_run_progress.html", {"progress": admin_views.run_progress(run)}
        )

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
