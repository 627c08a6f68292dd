"""Reference data: staff edit the Dutch and English labels (straight from the list); slugs and
codes are what imports and the API use, so they are fixed once created."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ChangeListQuerysetMixin, ReadonlyAfterCreationMixin

from .models import AITopic, Format, OrganisationKind, Province, Sector


class BilingualLabelAdmin(ReadonlyAfterCreationMixin, admin.ModelAdmin):
    list_display = ("slug", "name_nl", "name_en", "position")
    list_display_links = ("slug",)
    list_editable = ("name_nl", "name_en", "position")
    search_fields = ("slug", "name_nl", "name_en")
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_after_creation = ("slug",)


@admin.register(Province)
class ProvinceAdmin(ChangeListQuerysetMixin, ReadonlyAfterCreationMixin, admin.ModelAdmin):
    list_display = ("code", "name_nl", "name_en", "hub_names")
    list_display_links = ("code",)
    list_editable = ("name_nl", "name_en")
    search_fields = ("code", "name_nl", "name_en")
    fields = ("code", "name_nl", "name_en", "neighbours")
    filter_horizontal = ("neighbours",)
    readonly_after_creation = ("code",)
    ordering = ("name_nl",)

    def changelist_queryset(self, request, queryset):
        return queryset.prefetch_related("hubs")

    @admin.display(description=_("AI hub"))
    def hub_names(self, province: Province) -> str:
        return ", ".join(hub.name for hub in province.hubs.all())

    def get_search_results(self, request, queryset, search_term):
        """A hub coordinator picks provinces (for an organisation or challenge) only within
        their region: autocomplete offers no others."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if (
            match is not None
            and match.url_name == "autocomplete"
            and not request.user.sees_all_hubs
        ):
            queryset = queryset.filter(pk__in=request.user.coordinated_provinces().values("pk"))
        return queryset, may_have_duplicates


class TopicLevelFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("group", _("groups")), ("leaf", _("topics"))]

    def queryset(self, request, queryset):
        if self.value() == "group":
            return queryset.groups()
        if self.value() == "leaf":
            return queryset.leaves()
        return queryset


@admin.register(AITopic)
class AITopicAdmin(BilingualLabelAdmin):
    list_display = ("slug", "name_nl", "name_en", "parent", "position")
    list_filter = (TopicLevelFilter, ("parent", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("parent",)
    search_fields = ("slug", "name_nl", "name_en", "description_nl", "description_en")
    fields = (
        "slug",
        "parent",
        "name_nl",
        "name_en",
        "description_nl",
        "description_en",
        "position",
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Two levels only: a topic's group is itself a group.
        if db_field.name == "parent":
            kwargs["queryset"] = AITopic.objects.groups()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Sector)
class SectorAdmin(BilingualLabelAdmin):
    fields = ("slug", "name_nl", "name_en", "position")


@admin.register(Format)
class FormatAdmin(BilingualLabelAdmin):
    fields = ("slug", "name_nl", "name_en", "position")


@admin.register(OrganisationKind)
class OrganisationKindAdmin(BilingualLabelAdmin):
    list_display = ("slug", "name_nl", "name_en", "role", "is_education", "position")
    list_filter = ("role", "is_education")
    fields = ("slug", "name_nl", "name_en", "role", "is_education", "position")
