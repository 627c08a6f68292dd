"""What every admin page of the platform shares: the site's titles, the scoping of hub
coordinators to their region, and small helpers the app admins reuse.

A hub coordinator is staff in the "Hub coordinators" group (`apps.hubs.services`) whose rows
are limited by `apps.hubs.permissions`: the mixins below apply that limit to the changelist,
the change page (an object outside it is "not found"), the choices of every relation (so a
coordinator cannot pick, or save, an organisation or province outside the region) and, since
Django's autocomplete asks the target's ModelAdmin.get_queryset, to autocomplete as well.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _

from apps.hubs.permissions import provinces_coordinated_by, scope_to_coordinated_hubs, sees_all_hubs
from apps.taxonomy.models import Province

admin.site.site_header = _("AI Learning Communities – administration")
admin.site.site_title = _("AI Learning Communities – administration")
admin.site.index_title = _("Hubs, challenges and communities")
# Everyone signs in through allauth (rate limits, email verification and, for staff, the
# second factor); the admin's own password form would bypass all of that.
admin.site.login = login_required(admin.site.login)


class RegionChoicesMixin:
    """For a hub coordinator, a relation offers only what lies in their region: provinces of
    their hubs, and rows of any model whose admin is hub-scoped (its get_queryset). Works for
    ModelAdmins and inlines alike."""

    def region_limited_choices(self, request, model: type[Model]) -> QuerySet | None:
        """The rows a relation to `model` may point to for this user; None: no limit."""
        if sees_all_hubs(request.user):
            return None
        if model is Province:
            return provinces_coordinated_by(request.user)
        try:
            related_admin = self.admin_site.get_model_admin(model)
        except NotRegistered:
            return None
        if isinstance(related_admin, HubScopedAdminMixin):
            return related_admin.get_queryset(request)
        return None

    def get_field_queryset(self, db, db_field, request):
        limited = self.region_limited_choices(request, db_field.remote_field.model)
        if limited is not None:
            return limited.using(db) if db else limited
        return super().get_field_queryset(db, db_field, request)


class HubScopedAdminMixin(RegionChoicesMixin):
    """A ModelAdmin whose rows belong to a region. Set `hub_scope_field` to the relation path
    from the model to its Province or Hub (`"province"`, `"community__hub"`), or override
    `scope_queryset` for a rule that is not a single path."""

    hub_scope_field: str = ""

    def scope_queryset(self, request, queryset: QuerySet) -> QuerySet:
        if not self.hub_scope_field:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs a hub_scope_field or its own scope_queryset."
            )
        return scope_to_coordinated_hubs(queryset, request.user, self.hub_scope_field)

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def view_on_site(self, obj) -> str | None:
        """Link to the public page only where one is routed (not every app has its pages
        yet), instead of a link that ends in an error."""
        get_absolute_url = getattr(obj, "get_absolute_url", None)
        if get_absolute_url is None:
            return None
        try:
            return get_absolute_url()
        except NoReverseMatch:
            return None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and obj.pk is not None:
            self._keep_current_choices(request, form, obj)
        return form

    def _keep_current_choices(self, request, form, obj) -> None:
        """Values already saved stay valid even where they lie outside the coordinator's
        region (a national lab in a Zuid-Holland community): otherwise saving an unrelated
        change would fail, or an autocomplete would silently drop the value."""
        for name, field in form.base_fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            if self.region_limited_choices(request, field.queryset.model) is None:
                continue
            current = type(obj)._default_manager.filter(pk=obj.pk).values(name)
            field.queryset = field.queryset.model._default_manager.filter(
                Q(pk__in=field.queryset.values("pk")) | Q(pk__in=current)
            )


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
