from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.accounts.admin_scope import HubScopedAdminMixin, RegionChoicesMixin
from apps.accounts.permissions import scope_to_coordinated_hubs
from apps.challenges.models import Challenge, ChallengeStatus
from apps.core.actions import refusal_text
from apps.core.admin import (
    ChangeListQuerysetMixin,
    FixedRelationsInlineForm,
    ReadonlyAfterCreationMixin,
    adopt_saved,
)
from apps.matching.models import MatchStatus

from .forms import CommunityFromChallengeForm
from .models import (
    Activity,
    CommunityInvitation,
    CommunityMembership,
    JoinRequest,
    LearningCommunity,
    LearningRecord,
    Update,
)
from .selectors import challenge_accepted_matches, community_invitees_for_challenge
from .services import (
    activity_change,
    activity_create,
    activity_delete,
    community_edit_problems,
    community_form_from_matches,
    community_save_edited,
    community_update_create,
    join_request_approve,
    join_request_decline,
)
from .services.activities import ACTIVITY_FIELDS

# How many challenges the "ready for a community" page lists (oldest published first).
FORM_CANDIDATES_SHOWN = 200


class CommunityMembershipInlineForm(FixedRelationsInlineForm):
    fixed_after_creation = ("user", "organisation")


class CommunityMembershipInline(RegionChoicesMixin, admin.TabularInline):
    model = CommunityMembership
    form = CommunityMembershipInlineForm
    fields = ("user", "organisation", "role", "joined_at")
    readonly_fields = ("joined_at",)
    autocomplete_fields = ("user", "organisation")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organisation", "community")


def activity_save(activity: Activity, *, is_new: bool, by) -> None:
    """Plan or change an activity edited in the admin through the services, so the members
    are told as when it is planned on the site."""
    fields = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    if is_new:
        planned, _created = activity_create(community=activity.community, by=by, **fields)
        adopt_saved(activity, planned)
    else:
        activity_change(activity=activity, by=by, **fields)


class ActivityInline(admin.TabularInline):
    model = Activity
    fields = ("kind", "title", "starts_at", "ends_at", "location", "online_url")
    extra = 0


class JoinRequestInline(admin.TabularInline):
    """Requests are decided by the community's own flow; the coordinator sees them here."""

    model = JoinRequest
    fields = ("user", "role", "message", "state", "created_at", "decided_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "community")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LearningCommunityAdminForm(forms.ModelForm):
    """Names what the community service would refuse on the fields themselves."""

    # No Meta: the admin builds the form's Meta from its fieldsets.

    def clean(self):
        cleaned = super().clean()
        # While clean() runs the instance still holds the stored row (the form copies the
        # cleaned values onto it afterwards).
        problems = community_edit_problems(
            stored=self.instance if self.instance.pk else None,
            status=cleaned.get("status"),
            challenges=cleaned.get("challenges"),
        )
        for name, problem in problems.items():
            self.add_error(name, problem)
        return cleaned


@admin.register(LearningCommunity)
class LearningCommunityAdmin(
    ChangeListQuerysetMixin, ReadonlyAfterCreationMixin, HubScopedAdminMixin, admin.ModelAdmin
):
    hub_scope_field = "hub"
    list_display = ("name", "hub", "status", "is_public", "member_count", "created_at")
    list_filter = ("status", ("hub", admin.RelatedOnlyFieldListFilter), "is_public")
    list_select_related = ("hub",)
    search_fields = ("name", "slug", "goal")
    date_hierarchy = "created_at"
    autocomplete_fields = ("hub", "challenges", "organisations")
    prepopulated_fields = {"slug": ("name",)}
    readonly_after_creation = ("slug",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "hub", "status", "is_public")}),
        (_("Purpose"), {"fields": ("goal", "learning_objectives")}),
        (_("Who and what"), {"fields": ("challenges", "organisations")}),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )
    # Invitations are listed on their own read-only page (a link on the change page): an
    # inline would add a formset every save of the community has to post.
    inlines = (CommunityMembershipInline, ActivityInline, JoinRequestInline)
    form = LearningCommunityAdminForm

    def save_model(self, request, obj, form, change):
        """Nothing yet: the row is written with its challenges through the service in
        `save_related` (the status workflow, a challenge joining as on the other ways in)."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Activity:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for activity in formset.deleted_objects:
            activity_delete(activity=activity, by=request.user)
        for activity in formset.new_objects:
            activity_save(activity, is_new=True, by=request.user)
        for activity, _changed in formset.changed_objects:
            activity_save(activity, is_new=False, by=request.user)
        return None

    def save_related(self, request, form, formsets, change):
        community_save_edited(
            community=form.instance,
            challenges=form.cleaned_data.get("challenges"),
            organisations=form.cleaned_data.get("organisations"),
            changed_fields=form.changed_data if change else None,
            by=request.user,
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changelist_queryset(self, request, queryset):
        return queryset.annotate(members_total=Count("memberships", distinct=True))

    @admin.display(description=_("members"), ordering="members_total")
    def member_count(self, community: LearningCommunity) -> int:
        return community.members_total

    # --- Forming a community from a challenge's accepted matches -----------------------------

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "form-from-challenge/",
                self.admin_site.admin_view(self.form_candidates_view),
                name=f"{info}_form_candidates",
            ),
            path(
                "form-from-challenge/<int:challenge_id>/",
                self.admin_site.admin_view(self.form_from_challenge_view),
                name=f"{info}_form_from_challenge",
            ),
            *super().get_urls(),
        ]

    def _challenges_in_region(self, request):
        return scope_to_coordinated_hubs(
            Challenge.objects.select_related("organisation", "province"),
            request.user,
            "province",
        )

    def _context(self, request, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "has_view_permission": self.has_view_permission(request),
            **extra,
        }

    def form_candidates_view(self, request):
        """Published challenges of the coordinator's region with at least one accepted match
        and no community yet: the ones a community can be formed for."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        challenges = (
            self._challenges_in_region(request)
            .filter(status=ChallengeStatus.PUBLISHED)
            .annotate(
                accepted_total=Count("matches", filter=Q(matches__status=MatchStatus.ACCEPTED))
            )
            .filter(accepted_total__gt=0)
            .order_by("published_at", "pk")[:FORM_CANDIDATES_SHOWN]
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/communities/learningcommunity/form_candidates.html",
            self._context(
                request,
                title=_("Form a community from accepted matches"),
                challenges=list(challenges),
                shown_at_most=FORM_CANDIDATES_SHOWN,
            ),
        )

    def form_from_challenge_view(self, request, challenge_id: int):
        """The "Form a community" page of one challenge: a form prefilled from the challenge,
        the accepted partners and who will be invited. Posting calls
        `community_form_from_matches`. A challenge outside the coordinator's region is not
        found, however its id was come by."""
        challenge = self._challenges_in_region(request).filter(pk=challenge_id).first()
        if challenge is None:
            raise Http404
        if not self.has_add_permission(request):
            raise PermissionDenied
        if challenge.status == ChallengeStatus.IN_COMMUNITY:
            existing = challenge.communities.order_by("created_at", "pk").first()
            if existing is not None and request.method != "POST":
                self.message_user(
                    request,
                    gettext_now("This challenge already has a community: “%(name)s”.")
                    % {"name": existing.name},
                    messages.INFO,
                )
                return redirect(self._change_url(existing))

        form = CommunityFromChallengeForm(
            request.POST if request.method == "POST" else None,
            initial=CommunityFromChallengeForm.initial_for_challenge(challenge),
            challenge=challenge,
        )
        if request.method == "POST" and form.is_valid():
            try:
                community, created = community_form_from_matches(
                    challenge=challenge, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                # Shown above the form whatever field the service named.
                form.add_error(None, error.messages)
            else:
                return self._formed_response(request, community, created=created)

        matches = list(challenge_accepted_matches(challenge=challenge))
        invitees = community_invitees_for_challenge(
            challenge=challenge, matches=matches, exclude_user_ids=[request.user.pk]
        )
        problem = ""
        if challenge.status != ChallengeStatus.PUBLISHED:
            problem = gettext_now(
                "Only a published challenge can get a community; this one is “%(status)s”."
            ) % {"status": challenge.get_status_display()}
        elif not matches:
            problem = gettext_now(
                "This challenge has no accepted matches yet. Accept at least one matched "
                "partner before forming a community."
            )
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/communities/learningcommunity/form_from_challenge.html",
            self._context(
                request,
                title=_("Form a community"),
                subtitle=challenge.title,
                challenge=challenge,
                form=form,
                matches=matches,
                invitees=invitees,
                problem=problem,
            ),
        )

    def _change_url(self, community: LearningCommunity) -> str:
        return reverse(
            f"{self.admin_site.name}:communities_learningcommunity_change", args=[community.pk]
        )

    def _formed_response(self, request, community: LearningCommunity, *, created: bool):
        if created:
            invited = community.invitations.count()
            self.message_user(
                request,
                ngettext(
                    "The community “%(name)s” was formed; %(count)d person was invited.",
                    "The community “%(name)s” was formed; %(count)d people were invited.",
                    invited,
                )
                % {"name": community.name, "count": invited},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext_now("This challenge already has a community: “%(name)s”.")
                % {"name": community.name},
                messages.INFO,
            )
        return redirect(self._change_url(community))


@admin.register(CommunityMembership)
class CommunityMembershipAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_scope_field = "community__hub"
    list_display = ("user", "community", "organisation", "role", "joined_at")
    list_filter = ("role", ("community__hub", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "community", "organisation")
    search_fields = ("user__email", "user__full_name", "community__name", "organisation__name")
    date_hierarchy = "joined_at"
    autocomplete_fields = ("community", "user", "organisation")
    fields = ("community", "user", "organisation", "role", "joined_at")
    readonly_fields = ("joined_at",)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else (*fields, "community", "user")


@admin.register(JoinRequest)
class JoinRequestAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    """Read-only here: approving a request also makes a membership, which belongs to the
    communities' own flow rather than a bare status edit."""

    hub_scope_field = "community__hub"
    list_display = ("user", "community", "role", "state", "created_at", "decided_at")
    list_filter = ("state", "role", ("community__hub", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "community")
    search_fields = ("user__email", "user__full_name", "community__name", "message")
    date_hierarchy = "created_at"
    fields = (
        "community",
        "user",
        "role",
        "message",
        "state",
        "created_at",
        "decided_at",
        "decided_by",
    )
    readonly_fields = fields
    actions = ("approve_selected", "decline_selected")

    def has_add_permission(self, request):
        return False

    def _decide(self, request, queryset, decide, done_message) -> None:
        done = 0
        for join_request in queryset.filter(state=JoinRequest.State.PENDING):
            try:
                decide(join_request=join_request, by=request.user)
            except ValidationError as error:
                self.message_user(request, refusal_text(error), messages.WARNING)
            else:
                done += 1
        self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected pending requests"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._decide(request, queryset, join_request_approve, _("%(count)s request(s) approved."))

    @admin.action(description=_("Decline the selected pending requests"), permissions=["change"])
    def decline_selected(self, request, queryset):
        self._decide(request, queryset, join_request_decline, _("%(count)s request(s) declined."))


@admin.register(Activity)
class ActivityAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_scope_field = "community__hub"
    list_display = ("title", "community", "kind", "starts_at", "ends_at", "location")
    list_filter = ("kind", ("community__hub", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("community",)
    search_fields = ("title", "description", "location", "community__name")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("community",)
    fields = ("community", *ACTIVITY_FIELDS)

    def save_model(self, request, obj, form, change):
        activity_save(obj, is_new=not change, by=request.user)

    def delete_model(self, request, obj):
        activity_delete(activity=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for activity in queryset:
            activity_delete(activity=activity, by=request.user)


@admin.register(Update)
class UpdateAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_scope_field = "community__hub"
    list_display = ("community", "author", "excerpt", "created_at")
    list_filter = (("community__hub", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("community", "author")
    search_fields = ("body", "community__name", "author__email", "author__full_name")
    date_hierarchy = "created_at"
    autocomplete_fields = ("community", "author")
    fields = ("community", "author", "body", "created_at")
    readonly_fields = ("created_at",)

    @admin.display(description=_("text"))
    def excerpt(self, update: Update) -> str:
        return update.body if len(update.body) <= 80 else f"{update.body[:79]}…"

    def save_model(self, request, obj, form, change):
        """A new update is posted through the service, so the members are told as when it
        is posted on the site; an edit of the text is saved as it is."""
        if change:
            return super().save_model(request, obj, form, change)
        update, _created = community_update_create(
            community=obj.community, author=obj.author or request.user, body=obj.body
        )
        adopt_saved(obj, update)
        return None


@admin.register(LearningRecord)
class LearningRecordAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    """A participant's own words: coordinators read them (for the programme's reporting on
    workplace learning) but do not write or change them."""

    hub_scope_field = "community__hub"
    list_display = ("user", "community", "excerpt", "updated_at")
    list_filter = (("community__hub", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("user", "community")
    search_fields = ("text", "community__name", "user__email", "user__full_name")
    date_hierarchy = "updated_at"
    fields = ("community", "user", "text", "created_at", "updated_at")
    readonly_fields = fields

    @admin.display(description=_("what was learned"))
    def excerpt(self, record: LearningRecord) -> str:
        return record.text if len(record.text) <= 80 else f"{record.text[:79]}…"

    def has_add_permission(self, request):
        return False


@admin.register(CommunityInvitation)
class CommunityInvitationAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    """Who was invited to which community and how they answered. Read-only: the invitee
    answers on the site."""

    hub_scope_field = "community__hub"
    list_display = (
        "user",
        "community",
        "organisation",
        "role",
        "state",
        "created_at",
        "decided_at",
    )
    list_filter = (
        "state",
        "role",
        ("community__hub", admin.RelatedOnlyFieldListFilter),
        ("community", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("user", "community", "organisation")
    search_fields = ("user__email", "user__full_name", "community__name", "organisation__name")
    date_hierarchy = "created_at"
    fields = (
        "community",
        "user",
        "organisation",
        "role",
        "state",
        "invited_by",
        "created_at",
        "decided_at",
    )
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        """Invitations are part of a community: whoever may view or change communities in
        the admin may view them, without a permission of their own to hand out."""
        return request.user.has_perm("communities.view_learningcommunity") or (
            request.user.has_perm("communities.change_learningcommunity")
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
