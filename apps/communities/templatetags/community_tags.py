from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person_name(user, viewer=None) -> str:
    """A person's name for community pages, as `viewer` (the request's user) may see it.
    Never the email address (which `str(user)` falls back to): those pages are public. A
    visitor sees the name only of someone who made part of their profile public; without a
    `viewer` the page is taken to be seen by a visitor."""
    if user is None:
        return _("former participant")
    if not user.shows_name_to(viewer):
        return _("participant")
    return user.full_name or _("participant without a name")
