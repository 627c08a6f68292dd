from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.admin_scope import HubScopedAdminMixin
from apps.accounts.permissions import scope_to_coordinated_hubs, sees_all_hubs
from apps.core.admin import ReadonlyAfterCreationMixin, adopt_saved

from .forms import require_file_or_link
from .models import KnowledgeItem
from .services import knowledge_item_create
from .validators import sanitise_upload_name, validate_knowledge_upload


class KnowledgeItemAdminForm(forms.ModelForm):
    """A file uploaded in the admin passes the same checks as one from a community (type by
    content, size) and is stored under a safe name."""

    class Meta:
        model = KnowledgeItem
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            validate_knowledge_upload(upload)
            upload.name = sanitise_upload_name(upload.name)
        return upload

    def clean(self):
        cleaned = super().clean()
        require_file_or_link(self, cleaned)
        return cleaned


@admin.register(KnowledgeItem)
class KnowledgeItemAdmin(ReadonlyAfterCreationMixin, HubScopedAdminMixin, admin.ModelAdmin):
    """The national knowledge base is curated by the programme; a hub coordinator keeps the
    items of their hubs' communities and the ones they wrote."""

    form = KnowledgeItemAdminForm
    hub_scope_field = "source_community__hub"
    list_display = ("title", "kind", "source_community", "licence", "visibility", "created_at")
    list_filter = (
        "kind",
        "visibility",
        "licence",
        ("source_community__hub", admin.RelatedOnlyFieldListFilter),
        ("topics", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("source_community",)
    search_fields = ("title", "slug", "summary", "body")
    date_hierarchy = "created_at"
    autocomplete_fields = ("topics", "sectors", "source_community", "author")
    prepopulated_fields = {"slug": ("title",)}
    readonly_after_creation = ("slug",)
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "summary")}),
        (_("Content"), {"fields": ("body", "file", "link")}),
        (_("Classification"), {"fields": ("topics", "sectors")}),
        (
            _("Origin and use"),
            {"fields": ("source_community", "author", "licence", "visibility")},
        ),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )

    def scope_queryset(self, request, queryset):
        if sees_all_hubs(request.user):
            return queryset
        own_hubs = scope_to_coordinated_hubs(queryset, request.user, self.hub_scope_field)
        return queryset.filter(Q(pk__in=own_hubs.values("pk")) | Q(author=request.user))

    def save_model(self, request, obj, form, change):
        """An edit is saved here; a new item is shared in `save_related` through the service,
        with its topics and sectors (a unique slug, the double-submit guard)."""
        if change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            return super().save_related(request, form, formsets, change)
        data = form.cleaned_data
        item, _created = knowledge_item_create(
            title=data["title"],
            kind=data["kind"],
            summary=data["summary"],
            body=data.get("body", ""),
            file=data.get("file") or None,
            link=data.get("link", ""),
            licence=data["licence"],
            visibility=data["visibility"],
            source_community=data.get("source_community"),
            author=data.get("author") or request.user,
            topics=data.get("topics", ()),
            sectors=data.get("sectors", ()),
        )
        adopt_saved(form.instance, item)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        return None
