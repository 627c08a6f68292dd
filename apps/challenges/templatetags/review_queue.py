"""The admin index's summary of the review queue: how many challenges wait for the signed-in
coordinator (in their hubs), counted by the queue's own admin so the number and the list
always agree."""

from django import template
from django.contrib import admin
from django.db.models import Count, Min
from django.urls import reverse

from apps.challenges.models import ChallengeToReview

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queue_summary(context) -> dict | None:
    request = context.get("request")
    if request is None:
        return None
    site = admin.site
    if not site.is_registered(ChallengeToReview):
        return None
    model_admin = site.get_model_admin(ChallengeToReview)
    if not model_admin.has_view_permission(request):
        return None
    waiting = model_admin.get_queryset(request).aggregate(
        count=Count("pk"), oldest_submitted_at=Min("submitted_at")
    )
    return {**waiting, "url": reverse("admin:challenges_challengetoreview_changelist")}
