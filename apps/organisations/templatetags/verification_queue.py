"""The admin index's summary of the organisations waiting for verification, counted by the
queue's own admin so the number and the list always agree."""

from django import template
from django.contrib import admin
from django.db.models import Count, Min
from django.urls import reverse

from apps.organisations.models import OrganisationToVerify

register = template.Library()


@register.simple_tag(takes_context=True)
def verification_queue_summary(context) -> dict | None:
    request = context.get("request")
    if request is None or not admin.site.is_registered(OrganisationToVerify):
        return None
    model_admin = admin.site.get_model_admin(OrganisationToVerify)
    if not model_admin.has_view_permission(request):
        return None
    waiting = model_admin.get_queryset(request).aggregate(
        count=Count("pk"), oldest_created_at=Min("created_at")
    )
    return {**waiting, "url": reverse("admin:organisations_organisationtoverify_changelist")}
