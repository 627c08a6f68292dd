from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.core.admin import (
    ChangeListQuerysetMixin,
    FixedRelationsInlineForm,
    HubScopedAdminMixin,
    ReadonlyAfterCreationMixin,
    RegionChoicesMixin,
)

from .models import (
    Activity,
    CommunityMembership,
    JoinRequest,
    LearningCommunity,
    LearningRecord,
    Update,
)
from .services import join_request_approve, join_request_decline


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
    inlines = (CommunityMembershipInline, ActivityInline, JoinRequestInline)

    def changelist_queryset(self, request, queryset):
        return queryset.annotate(members_total=Count("memberships", distinct=True))

    @admin.display(description=_("members"), ordering="members_total")
    def member_count(self, community: LearningCommunity) -> int:
        return community.members_total


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
                self.message_user(request, " ".join(error.messages), messages.WARNING)
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
    fields = (
        "community",
        "kind",
        "title",
        "description",
        "starts_at",
        "ends_at",
        "location",
        "online_url",
    )


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
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


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
