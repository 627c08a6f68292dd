from django import template
from django.urls import reverse
from django.utils.formats import number_format

from apps.accounts.permissions import with_reach_confirmed
from apps.insights.permissions import may_see_any_insights, may_see_hub_insights

register = template.Library()


@register.filter
def insights_number(value) -> str:
    """A table cell: whole numbers grouped, days with one decimal, in the reader's locale;
    a dash where there is no figure."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, float):
        return number_format(value, decimal_pos=1, force_grouping=True)
    return number_format(value, force_grouping=True)


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
