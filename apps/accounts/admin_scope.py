"""The scoping of hub coordinators to their region, for every admin page with rows that
belong to one.

A hub coordinator is staff in the "Hub coordinators" group (`apps.hubs.services`) whose rows
are limited by `apps.accounts.permissions`: the mixins below apply that limit to the
changelist, the change page (an object outside it is "not found"), the choices of every
relation (so a coordinator cannot pick, or save, an organisation or province outside the
region) and, since Django's autocomplete asks the target's ModelAdmin.get_queryset, to
autocomplete as well.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.urls import NoReverseMatch

from apps.taxonomy.models import Province

from .permissions import provinces_coordinated_by, scope_to_coordinated_hubs, sees_all_hubs


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
