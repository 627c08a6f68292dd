"""The coordinators' review queue for submitted challenges (registered with the admin from
apps/challenges/admin.py).

A proxy of Challenge with its own list: only submitted challenges of the coordinator's
hubs, the oldest submission first. Publishing and rejecting are the challenge admin's own
actions (so the same service, the same reason page and the same reporting); the change page
is read-only with the two decisions as buttons that post those actions for one challenge.
The queue's rights are the challenge rights: a coordinator who may change challenges may
work the queue, without permissions of its own to hand out."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_permission_codename
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core.admin import ChangeListQuerysetMixin

from .admin import ChallengeAdmin
from .models import Challenge, ChallengeStatus, ChallengeToReview

# The admin index shows how many challenges wait (templatetags/review_queue.py); the template
# extends "admin/index.html", so an index template of the project's own still applies.
admin.site.index_template = "admin/challenges/index_with_review_queue.html"


@admin.register(ChallengeToReview)
class ChallengeToReviewAdmin(ChangeListQuerysetMixin, ChallengeAdmin):
    list_display = ("title", "organisation", "province", "waiting_display", "topics_display")
    list_display_links = ("title",)
    list_filter = (
        ("province", admin.RelatedOnlyFieldListFilter),
        ("topics", admin.RelatedOnlyFieldListFilter),
    )
    # Oldest submission first: whoever waited longest is helped first.
    ordering = ("submitted_at", "pk")
    sortable_by = ("title", "waiting_display")
    date_hierarchy = None
    inlines = ()
    extra_inlines: list[type] = []
    actions = ("publish_selected", "reject_selected")
    actions_on_bottom = True
    # The queue is for deciding: its own list page (an introduction instead of the
    # spreadsheet buttons of the challenge list) and only its two decisions as actions.
    change_list_template = None

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {name: actions[name] for name in self.actions if name in actions}

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=ChallengeStatus.SUBMITTED)

    def changelist_queryset(self, request, queryset):
        return queryset.prefetch_related("topics")

    # --- Rights: those of the challenge itself; the change page only shows --------------------

    def _has_challenge_permission(self, request, action: str) -> bool:
        opts = Challenge._meta
        codename = get_permission_codename(action, opts)
        return request.user.has_perm(f"{opts.app_label}.{codename}")

    def has_view_permission(self, request, obj=None):
        return self._has_challenge_permission(request, "view") or self._has_challenge_permission(
            request, "change"
        )

    def has_change_permission(self, request, obj=None):
        # The decisions are actions on the list (model level); a challenge's own page never
        # saves a form: what the organisation wrote is not the reviewer's to edit.
        return obj is None and self._has_challenge_permission(request, "change")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        context = {"title": _("Challenges waiting for review"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {
            "title": _("Review a challenge"),
            "can_decide": self.has_change_permission(request),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    # --- Columns --------------------------------------------------------------------------------

    @admin.display(description=_("waiting"), ordering="submitted_at")
    def waiting_display(self, challenge: Challenge) -> str:
        if challenge.submitted_at is None:
            return "–"
        days = (timezone.now() - challenge.submitted_at).days
        return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}

    @admin.display(description=_("AI topics"))
    def topics_display(self, challenge: Challenge) -> str:
        return ", ".join(topic.name for topic in challenge.topics.all())

    # --- Decisions: the challenge admin's actions, under the queue's names ----------------------

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish_selected(self, request, queryset):
        challenges = list(queryset.select_related("organisation"))
        super().publish_selected(request, challenges)
        published = [c for c in challenges if c.status == ChallengeStatus.PUBLISHED]
        if published:
            # They leave the queue; the next step is their matches.
            self.message_user(
                request,
                format_html(
                    "{} {}",
                    _("Review their matches:"),
                    format_html_join(
                        ", ",
                        '<a href="{}">{}</a>',
                        (
                            (reverse("admin:matching_match_review", args=[c.pk]), c.title)
                            for c in published
                        ),
                    ),
                ),
                messages.INFO,
            )

    @admin.action(description=_("Reject with a reason…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return super().reject_selected(request, queryset)
