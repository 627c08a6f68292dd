from django.contrib import admin

from apps.accounts.admin_scope import HubScopedAdminMixin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(HubScopedAdminMixin, admin.ModelAdmin):
    """Read-only, for everyone: an audit trail that can be edited proves nothing."""

    hub_scope_field = "province"
    list_display = ("created_at", "actor_label", "action", "object_type", "object_label")
    list_filter = ("action", "object_type", ("province", admin.RelatedOnlyFieldListFilter))
    search_fields = ("actor_label", "object_label", "object_id")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
