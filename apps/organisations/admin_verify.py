"""The coordinators' queue of organisations waiting for verification (registered with the
admin from apps/organisations/admin.py).

A proxy of Organisation with its own list: only unverified organisations of the
coordinator's hubs, the oldest first. Its change page only shows (what the organisation
wrote is not the reviewer's to edit), with the organisations of similar names in the same
province beside it and the decision as a button that posts the list's action for one row.
Its rights are the organisation rights, like the challenges' review queue."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_permission_codename
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin import OrganisationAdmin
from .models import Organisation, OrganisationToVerify
from .selectors import organisation_list_similar
from .services import organisation_verify


@admin.register(OrganisationToVerify)
class OrganisationToVerifyAdmin(OrganisationAdmin):
    list_display = ("name", "kind", "province", "kvk_number", "waiting_display")
    list_display_links = ("name",)
    list_filter = (("province", admin.RelatedOnlyFieldListFilter), "kind")
    ordering = ("created_at", "pk")
    sortable_by = ("name", "waiting_display")
    date_hierarchy = None
    inlines = ()
    actions = ("verify_selected",)
    actions_on_bottom = True
    change_form_template = "admin/organisations/organisationtoverify/change_form.html"
    change_list_template = None

    def get_actions(self, request):
        actions = super().get_actions(request)
        return {name: actions[name] for name in self.actions if name in actions}

    def get_queryset(self, request):
        return super().get_queryset(request).filter(verified_at__isnull=True)

    def _has_organisation_permission(self, request, action: str) -> bool:
        opts = Organisation._meta
        codename = get_permission_codename(action, opts)
        return request.user.has_perm(f"{opts.app_label}.{codename}")

    def has_view_permission(self, request, obj=None):
        return self._has_organisation_permission(
            request, "view"
        ) or self._has_organisation_permission(request, "change")

    def has_change_permission(self, request, obj=None):
        return obj is None and self._has_organisation_permission(request, "change")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        context = {"title": _("Organisations waiting for verification"), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        organisation = self.get_object(request, object_id)
        similar = (
            organisation_list_similar(
                user=request.user,
                name=organisation.name,
                province=organisation.province,
                exclude_pk=organisation.pk,
            )
            if organisation is not None
            else []
        )
        context = {
            "title": _("Verify an organisation"),
            "can_decide": self.has_change_permission(request),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "similar_organisations": similar,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    @admin.display(description=_("waiting"), ordering="created_at")
    def waiting_display(self, organisation: Organisation) -> str:
        days = (timezone.now() - organisation.created_at).days
        return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}

    @admin.action(description=_("Verify"), permissions=["change"])
    def verify_selected(self, request, queryset):
        verified = [
            organisation.name
            for organisation in queryset.order_by("name", "pk")
            if organisation_verify(organisation=organisation, by=request.user)
        ]
        if verified:
            self.message_user(
                request,
                ngettext(
                    "%(names)s is verified and can now be found by everyone.",
                    "%(names)s are verified and can now be found by everyone.",
                    len(verified),
                )
                % {"names": ", ".join(verified)},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, _("These organisations had been verified already."), messages.INFO
            )
