from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person_name(user) -> str:
    """A person's name for community pages. Never the email address (which `str(user)` falls
    back to): those pages are public."""
    if user is None:
        return _("former participant")
    return user.full_name or _("participant without a name")
