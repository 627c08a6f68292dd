from django import template
from django.urls import reverse

from apps.accounts.permissions import with_reach_confirmed
from apps.insights.formats import figure, gap_words
from apps.insights.permissions import may_see_any_insights, may_see_hub_insights
from apps.insights.tables import Gap

register = template.Library()


@register.filter
def insights_number(value) -> str:
    """A table cell: a figure (`formats.figure`), or a gap in words."""
    if isinstance(value, Gap):
        return gap_words(value.value)
    return figure(value)


@register.filter
def insights_gap(value: int) -> str:
    return gap_words(value)


@register.simple_tag(takes_context=True)
def insights_hub_url(context, hub) -> str:
    """The hub's insights page for a user who may see it, else an empty string."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return ""
    # A link by role: the page itself asks for the second factor first.
    if not may_see_hub_insights(with_reach_confirmed(user), hub):
        return ""
    return reverse("insights:hub", kwargs={"slug": hub.slug})


@register.simple_tag(takes_context=True)
def insights_index_url(context) -> str:
    """The insights overview for coordinators (hub or programme), else an empty string."""
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return ""
    if not may_see_any_insights(with_reach_confirmed(user)):
        return ""
    return reverse("insights:index")
