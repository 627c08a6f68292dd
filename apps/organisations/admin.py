from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.accounts.admin_scope import HubScopedAdminMixin, RegionChoicesMixin
from apps.core.admin import FixedRelationsInlineForm, ReadonlyAfterCreationMixin

from .admin_exchange import OrganisationCsvExchangeMixin
from .models import Membership, Organisation
from .signals import organisation_changed


class MembershipInlineForm(FixedRelationsInlineForm):
    fixed_after_creation = ("user",)


class MembershipInline(RegionChoicesMixin, admin.TabularInline):
    model = Membership
    form = MembershipInlineForm
    fields = ("user", "role", "state", "job_title", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organisation")


@admin.register(Organisation)
class OrganisationAdmin(
    OrganisationCsvExchangeMixin, ReadonlyAfterCreationMixin, HubScopedAdminMixin, admin.ModelAdmin
):
    """Also imports and exports the spreadsheet format of PRODUCT.md section 6."""

    hub_scope_field = "province"
    list_display = (
        "name",
        "kind",
        "province",
        "parent",
        "capacity",
        "serves_nationally",
        "is_active",
        "updated_at",
    )
    list_filter = (
        "is_active",
        "kind__role",
        "kind",
        ("province", admin.RelatedOnlyFieldListFilter),
        "serves_nationally",
        ("topics", admin.RelatedOnlyFieldListFilter),
        ("sectors", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("kind", "province", "parent")
    search_fields = ("name", "ref", "slug", "website", "description")
    date_hierarchy = "created_at"
    autocomplete_fields = ("province", "parent", "topics", "sectors", "formats")
    prepopulated_fields = {"slug": ("name",)}
    readonly_after_creation = ("slug",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "province", "parent", "website", "ref")}),
        (_("Expertise and interests"), {"fields": ("description", "topics", "sectors")}),
        (
            _("What it offers"),
            {"fields": ("formats", "capacity", "serves_nationally", "is_active")},
        ),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (MembershipInline,)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.has_changed():
            organisation_changed.send(
                Organisation,
                organisation_ids=[form.instance.pk],
                fields=frozenset(form.changed_data),
                trigger="edited in admin",
            )


@admin.register(Membership)
class MembershipAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    hub_scope_field = "organisation__province"
    list_display = ("user", "organisation", "role", "state", "job_title", "created_at")
    list_filter = ("state", "role", ("organisation__province", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("user", "organisation")
    search_fields = ("user__email", "user__full_name", "organisation__name", "job_title")
    date_hierarchy = "created_at"
    autocomplete_fields = ("user", "organisation")
    fields = ("user", "organisation", "role", "state", "job_title", "created_at")
    readonly_fields = ("created_at",)

    def get_readonly_fields(self, request, obj=None):
        # A membership stays the same person's in the same organisation; make a new one.
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else (*fields, "user", "organisation")
