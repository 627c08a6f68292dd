"""Who may see which person's page. Views ask here."""

from django.http import Http404

from .selectors import PersonView, person_get_for_viewer


def get_person_for_view_or_404(viewer, pk: int) -> PersonView:
    """The person as the viewer may see them; a 404 when the viewer may not see the page
    (so a visitor cannot tell a private profile from a missing one)."""
    person = person_get_for_viewer(viewer=viewer, pk=pk)
    if person is None:
        raise Http404
    return person
