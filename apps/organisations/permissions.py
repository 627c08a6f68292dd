"""Who may see which organisation. Views ask here; they never check visibility themselves."""

from django.http import Http404

from .models import Organisation
from .selectors import organisation_get_visible


def get_organisation_for_view_or_404(user, slug: str) -> Organisation:
    """The organisation if the user may see it; otherwise a 404 (an inactive organisation
    stays hidden from the public directory)."""
    organisation = organisation_get_visible(user=user, slug=slug)
    if organisation is None:
        raise Http404
    return organisation
