"""What every admin page of the platform shares: the site's titles and small helpers the app
admins reuse. The scoping of hub coordinators to their region is
`apps.accounts.admin_scope`."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("AI Learning Communities – administration")
admin.site.site_title = _("AI Learning Communities – administration")
admin.site.index_title = _("Hubs, challenges and communities")
# Everyone signs in through allauth (rate limits, email verification and, for staff, the
# second factor); the admin's own password form would bypass all of that.
admin.site.login = login_required(admin.site.login)


class FixedRelationsInlineForm(forms.ModelForm):
    """An inline row that is saved keeps pointing at the same person or organisation (change
    that on the object's own page); only new rows pick one, with autocomplete.

    Existing rows show their value as a plain, disabled choice, which also keeps a change page
    at a fixed number of queries however many rows it has (an autocomplete widget queries its
    selected value per row). Name the fields in `fixed_after_creation` on a subclass."""

    fixed_after_creation: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name in self.fixed_after_creation:
            field = self.fields.get(name)
            if field is None:
                continue
            related = getattr(self.instance, name)
            field.disabled = True
            # Validation of a disabled field checks the saved value against the queryset:
            # accept exactly that value, even outside the region.
            field.queryset = field.queryset.model._default_manager.filter(
                pk=related.pk if related is not None else None
            )
            field.widget = forms.Select(
                choices=[(related.pk, str(related))] if related is not None else [("", "—")]
            )


class ReadonlyAfterCreationMixin:
    """Keys that imports, URLs and the API rely on (slugs, codes) are typed once, on the add
    page (prepopulated from the name where the admin says so), and read-only afterwards."""

    readonly_after_creation: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        return fields + tuple(name for name in self.readonly_after_creation if name not in fields)

    def get_prepopulated_fields(self, request, obj=None):
        prepopulated = super().get_prepopulated_fields(request, obj)
        if obj is None:
            return prepopulated
        return {
            name: sources
            for name, sources in prepopulated.items()
            if name not in self.readonly_after_creation
        }


class ChangeListQuerysetMixin:
    """`changelist_queryset` adds what only the list shows (counts, aggregated labels), so
    change pages, choices and autocomplete keep the plain queryset."""

    def changelist_queryset(self, request, queryset: QuerySet) -> QuerySet:
        return queryset

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)
        model_admin = self

        class ChangeList(base):
            def get_queryset(self, request, exclude_parameters=None):
                queryset = super().get_queryset(request, exclude_parameters)
                return model_admin.changelist_queryset(request, queryset)

        return ChangeList


def adopt_saved(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's object the row a service stored (a service that makes the row
    itself, with a slug or a lock of its own): the admin answers with the object it gave the
    form, so it must carry the stored row's pk and values."""
    for field in type(saved)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
