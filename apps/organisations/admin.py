from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.accounts.admin_scope import HubScopedAdminMixin, RegionChoicesMixin
from apps.core.admin import FixedRelationsInlineForm, ReadonlyAfterCreationMixin

from .admin_exchange import OrganisationCsvExchangeMixin
from .models import Membership, Organisation
from .services import (
    MANY_TO_MANY_FIELDS,
    membership_edit_problems,
    membership_save_edited,
    organisation_save_edited,
    supplier_profile_problems,
)


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


class OrganisationAdminForm(forms.ModelForm):
    """Names the supplier rule's problems on the fields, before the service would refuse."""

    # No Meta: the admin builds the form's Meta from its fieldsets.

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        problems = supplier_profile_problems(
            is_supplier=kind is not None and kind.role == kind.Role.SUPPLY,
            has_topics=bool(cleaned.get("topics")),
            capacity=cleaned.get("capacity"),
            changed_fields=self.changed_data if self.instance.pk else None,
        )
        for name, problem in problems.items():
            self.add_error(name, problem)
        return cleaned


class VerifiedFilter(admin.SimpleListFilter):
    title = _("verified")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No, waiting for the hub")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.verified()
        if self.value() == "no":
            return queryset.unverified()
        return queryset


class MembershipAdminForm(forms.ModelForm):
    """Names what the membership service would refuse on the fields themselves."""

    # No Meta: the admin builds the form's Meta from its fields.

    def clean(self):
        cleaned = super().clean()
        # While clean() runs the instance still holds the stored row (the form copies the
        # cleaned values onto it afterwards).
        if self.instance.pk:
            problems = membership_edit_problems(
                stored=self.instance,
                state=cleaned.get("state"),
                role=cleaned.get("role"),
            )
            for name, problem in problems.items():
                self.add_error(name, problem)
        return cleaned


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
        "verified_display",
        "updated_at",
    )
    list_filter = (
        "is_active",
        VerifiedFilter,
        "kind__role",
        "kind",
        ("province", admin.RelatedOnlyFieldListFilter),
        "serves_nationally",
        ("topics", admin.RelatedOnlyFieldListFilter),
        ("sectors", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("kind", "province", "parent")
    search_fields = ("name", "ref", "slug", "kvk_number", "website", "description")
    date_hierarchy = "created_at"
    autocomplete_fields = ("province", "parent", "topics", "sectors", "formats")
    prepopulated_fields = {"slug": ("name",)}
    readonly_after_creation = ("slug",)
    readonly_fields = ("verified_at", "created_at", "updated_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "kind",
                    "province",
                    "parent",
                    "website",
                    "kvk_number",
                    "ref",
                )
            },
        ),
        (_("Expertise and interests"), {"fields": ("description", "topics", "sectors")}),
        (
            _("What it offers"),
            {"fields": ("formats", "capacity", "serves_nationally", "is_active")},
        ),
        (_("History"), {"fields": ("verified_at", "created_at", "updated_at")}),
    )
    inlines = (MembershipInline,)
    form = OrganisationAdminForm

    @admin.display(description=_("verified"), boolean=True, ordering="verified_at")
    def verified_display(self, organisation: Organisation) -> bool:
        return organisation.is_verified

    def save_model(self, request, obj, form, change):
        """Nothing yet: the row is written with its topics, sectors and formats through the
        service in `save_related`, so the supplier rule sees them together."""

    def save_related(self, request, form, formsets, change):
        organisation_save_edited(
            organisation=form.instance,
            relations={
                name: form.cleaned_data[name]
                for name in MANY_TO_MANY_FIELDS
                if name in form.cleaned_data
            },
            changed_fields=form.changed_data if change else None,
            trigger="edited in admin" if change else "created in admin",
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


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

    form = MembershipAdminForm

    def get_readonly_fields(self, request, obj=None):
        # A membership stays the same person's in the same organisation; make a new one.
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None else (*fields, "user", "organisation")

    def save_model(self, request, obj, form, change):
        """An edit goes through the service: approving tells the requester, and the last
        administrator stays one."""
        if change:
            membership_save_edited(membership=obj, by=request.user)
        else:
            super().save_model(request, obj, form, change)


# The queue of organisations to verify extends OrganisationAdmin (above).
from . import admin_verify  # noqa: E402, F401
