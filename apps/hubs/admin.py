from django.contrib import admin
from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.accounts.admin_scope import HubScopedAdminMixin, RegionChoicesMixin
from apps.core.admin import (
    ChangeListQuerysetMixin,
    FixedRelationsInlineForm,
    ReadonlyAfterCreationMixin,
)

from .models import Hub, HubCoordinator
from .permissions import hubs_coordinated_by, sees_all_hubs
from .services import hub_coordinator_add, hub_coordinator_remove


class HubCoordinatorForm(FixedRelationsInlineForm):
    fixed_after_creation = ("user",)


class HubCoordinatorInline(RegionChoicesMixin, admin.TabularInline):
    model = HubCoordinator
    form = HubCoordinatorForm
    fields = ("user", "since")
    readonly_fields = ("since",)
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "hub")


@admin.register(Hub)
class HubAdmin(
    ChangeListQuerysetMixin, ReadonlyAfterCreationMixin, HubScopedAdminMixin, admin.ModelAdmin
):
    """Hubs are reference data kept by programme staff; a hub coordinator sees their own."""

    list_display = ("name", "slug", "province_codes", "coordinator_count", "website")
    search_fields = ("name", "slug")
    fields = ("name", "slug", "provinces", "website", "description_nl", "description_en")
    autocomplete_fields = ("provinces",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_after_creation = ("slug",)
    inlines = (HubCoordinatorInline,)

    def scope_queryset(self, request, queryset):
        if sees_all_hubs(request.user):
            return queryset
        return queryset.filter(pk__in=hubs_coordinated_by(request.user).values("pk"))

    def changelist_queryset(self, request, queryset):
        return queryset.annotate(
            province_list=StringAgg(
                "provinces__code", ", ", distinct=True, order_by="provinces__code"
            ),
            coordinators_total=Count("coordinator_links", distinct=True),
        )

    @admin.display(description=_("provinces"), ordering="province_list")
    def province_codes(self, hub: Hub) -> str:
        return hub.province_list or ""

    @admin.display(description=_("coordinators"), ordering="coordinators_total")
    def coordinator_count(self, hub: Hub) -> int:
        return hub.coordinators_total

    def save_formset(self, request, form, formset, change):
        """Adding someone as coordinator also gives them admin access and the coordinators'
        group, through the service that owns that rule."""
        if formset.model is not HubCoordinator:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for link in formset.deleted_objects:
            hub_coordinator_remove(hub=form.instance, user=link.user)
        for link in formset.new_objects:
            hub_coordinator_add(hub=form.instance, user=link.user)
        return None
