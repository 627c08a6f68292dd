from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import people_in_coordinated_region

from .admin_scope import HubScopedAdminMixin
from .models import User
from .signals import programme_coordinator_flag_changed


class UserCreationForm(auth_forms.AdminUserCreationForm):
    """Email and a password (or none, for people who only sign in with SSO)."""

    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(HubScopedAdminMixin, DjangoUserAdmin):
    """People. Hub coordinators may look up the people of their region (to add them to an
    organisation or community) but not change accounts."""

    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Profile"),
            {
                "fields": (
                    "full_name",
                    "province",
                    "expertise_topics",
                    "preferred_language",
                    "bio",
                    "offer",
                )
            },
        ),
        (_("Privacy"), {"fields": ("email_visibility", "profile_visibility")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_programme_coordinator",
                    "is_superuser",
                    "groups",
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = (
        "email",
        "full_name",
        "province",
        "preferred_language",
        "is_staff",
        "is_programme_coordinator",
        "is_active",
        "date_joined",
    )
    list_filter = (
        "is_staff",
        "is_programme_coordinator",
        "is_superuser",
        "is_active",
        "preferred_language",
        ("province", admin.RelatedOnlyFieldListFilter),
        "groups",
    )
    list_select_related = ("province",)
    search_fields = ("email", "full_name")
    ordering = ("email",)
    date_hierarchy = "date_joined"
    autocomplete_fields = ("province", "expertise_topics")
    filter_horizontal = ("groups",)

    def scope_queryset(self, request, queryset):
        return people_in_coordinated_region(queryset, request.user)

    def save_related(self, request, form, formsets, change):
        """The programme-coordinator flag brings staff access and the programme group with
        it (the hubs app's `programme_coordinator_set`, told by a signal: hubs lie above
        accounts); after the groups of the form are saved, so it has the last word."""
        super().save_related(request, form, formsets, change)
        if "is_programme_coordinator" in form.changed_data:
            programme_coordinator_flag_changed.send(
                User, user=form.instance, enabled=form.instance.is_programme_coordinator
            )
