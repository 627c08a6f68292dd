"""Links into the admin from the site's own pages, shown only where the admin would open.

Why: a link to a page that answers 403 is a dead end (issue 12, item 10). The checks are the
admin's own, asked of the registered ModelAdmin, so the link and the page cannot disagree."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse


def admin_change_url(request: HttpRequest, obj: Model) -> str:
    """The admin page of `obj` when the admin would show it to the request's user, else "".

    The admin's checks, in its order: the site's (active staff), the ModelAdmin's view or
    change permission for `obj`, and its queryset (which the hub-scoped admins limit to the
    coordinator's region; outside it the admin says the object does not exist)."""
    site = admin.site
    if not site.has_permission(request) or not site.is_registered(type(obj)):
        return ""
    model_admin = site.get_model_admin(type(obj))
    if not model_admin.has_view_or_change_permission(request, obj):
        return ""
    if not model_admin.get_queryset(request).filter(pk=obj.pk).exists():
        return ""
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
