"""The review queue of a hub: coordinators publish, reject (with a reason) and close challenges
with actions that call the workflow service, one challenge at a time, and report what the
workflow refused instead of failing the whole batch. Status is never typed in by hand."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.admin_scope import HubScopedAdminMixin

from . import services
from .admin_exchange import ChallengeCsvExchangeMixin
from .models import Challenge, ChallengeInterest


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        help_text=_("The organisation sees this reason; say what to improve."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=Challenge._meta.get_field("rejection_reason").max_length,
    )


WORKFLOW_FIELDS = (
    "status",
    "rejection_reason",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "published_at",
    "renewed_at",
    "closed_at",
)


@admin.register(Challenge)
class ChallengeAdmin(ChallengeCsvExchangeMixin, HubScopedAdminMixin, admin.ModelAdmin):
    hub_scope_field = "province"
    list_display = (
        "title",
        "organisation",
        "province",
        "status",
        "visibility",
        "submitted_at",
        "published_at",
    )
    list_filter = (
        "status",
        ("province", admin.RelatedOnlyFieldListFilter),
        "visibility",
        "time_frame",
        ("topics", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("organisation", "province")
    search_fields = ("title", "description", "ref", "organisation__name")
    date_hierarchy = "created_at"
    autocomplete_fields = ("organisation", "province", "topics", "sectors", "formats")
    # The workflow moves only through the actions (and so through the services).
    readonly_fields = WORKFLOW_FIELDS
    fieldsets = (
        (None, {"fields": ("title", "organisation", "province", "ref")}),
        (
            _("The challenge"),
            {"fields": ("description", "learning_goals", "topics", "sectors", "formats")},
        ),
        (_("Arrangements"), {"fields": ("time_frame", "visibility")}),
        (
            _("Workflow"),
            {"fields": WORKFLOW_FIELDS},
        ),
    )
    # Apps above challenges add their inlines (matching: the suggestions), see get_inlines.
    extra_inlines: list[type] = []
    actions = ("publish_selected", "reject_selected", "close_selected", "renew_selected")

    def save_model(self, request, obj, form, change):
        """Nothing yet: the row is written with its topics, sectors and formats through the
        service in `save_related`; only then is the challenge complete enough to be matched
        again."""

    def save_related(self, request, form, formsets, change):
        services.challenge_save_edited(
            challenge=form.instance,
            relations={
                name: form.cleaned_data[name]
                for name in ("topics", "sectors", "formats")
                if name in form.cleaned_data
            },
            changed_fields=form.changed_data if change else None,
            by=request.user,
            trigger="edited in admin",
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_inlines(self, request, obj):
        return (*super().get_inlines(request, obj), *self.extra_inlines)

    def _apply_to_each(
        self,
        request,
        queryset,
        transition: Callable[[Challenge], object],
        done_message: Callable[[int], str],
    ) -> None:
        changed, refused = 0, []
        for challenge in queryset:
            try:
                transition(challenge)
            except ValidationError as error:
                refused.append(f"“{challenge.title}”: {' '.join(error.messages)}")
            else:
                changed += 1
        if changed:
            self.message_user(request, done_message(changed), messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d challenge was left unchanged: %(details)s",
                    "%(count)d challenges were left unchanged: %(details)s",
                    len(refused),
                )
                % {"count": len(refused), "details": "; ".join(refused)},
                messages.WARNING,
            )

    @admin.action(description=_("Publish selected challenges"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._apply_to_each(
            request,
            queryset,
            lambda challenge: services.challenge_publish(challenge=challenge, by=request.user),
            lambda count: (
                ngettext(
                    "%(count)d challenge was published.",
                    "%(count)d challenges were published.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Close selected challenges"), permissions=["change"])
    def close_selected(self, request, queryset):
        self._apply_to_each(
            request,
            queryset,
            lambda challenge: services.challenge_close(challenge=challenge, by=request.user),
            lambda count: (
                ngettext(
                    "%(count)d challenge was closed.", "%(count)d challenges were closed.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(
        description=_("Renew selected challenges (wait for a community starts again)"),
        permissions=["change"],
    )
    def renew_selected(self, request, queryset):
        from .stale import challenge_renew

        self._apply_to_each(
            request,
            queryset,
            lambda challenge: challenge_renew(challenge=challenge, by=request.user),
            lambda count: (
                ngettext(
                    "%(count)d challenge was renewed.", "%(count)d challenges were renewed.", count
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Reject selected challenges…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        """First shows a page asking for the reason (the organisation reads it), then rejects
        every selected challenge with that reason."""
        form = RejectionForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply_to_each(
                request,
                queryset,
                lambda challenge: services.challenge_reject(
                    challenge=challenge, reason=reason, by=request.user
                ),
                lambda count: (
                    ngettext(
                        "%(count)d challenge was rejected.",
                        "%(count)d challenges were rejected.",
                        count,
                    )
                    % {"count": count}
                ),
            )
            return None
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject challenges"),
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "challenges": queryset.select_related("organisation"),
            "form": form,
            "action_name": "reject_selected",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/challenges/challenge/reject_selected.html", context)


@admin.register(ChallengeInterest)
class ChallengeInterestAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    """Who showed interest in which challenge; people manage their interest on the site."""

    hub_scope_field = "challenge__province"
    list_display = ("challenge", "user", "created_at")
    list_filter = (("challenge__province", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("challenge", "user")
    search_fields = ("challenge__title", "user__email", "user__full_name")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The review queue lives in its own module; importing it registers it.
from . import admin_review  # noqa: E402, F401
