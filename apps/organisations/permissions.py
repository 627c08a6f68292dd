"""Who may see, edit and manage which organisation. Views ask here; they never check
visibility or roles themselves.

Seeing follows `Organisation.objects.visible_to`: an organisation the user may not see is a
404, so its existence is not revealed. Editing the profile is for the organisation's active
administrators. Deciding on members is for them and for the coordinators of the hubs that
cover the organisation's province: an organisation without administrators (imported by a
hub, or whose last administrator deleted their account) still gets its requests answered.
Everything else that is visible but not theirs is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.permissions import coordinates_region_of, with_reach_confirmed

from .models import Membership, Organisation
from .selectors import organisation_get_for_user, organisation_get_visible


def get_organisation_for_view_or_404(user, slug: str) -> Organisation:
    """The organisation if the user may see it; otherwise a 404 (an inactive organisation
    stays hidden from the public directory)."""
    organisation = organisation_get_visible(user=user, slug=slug)
    if organisation is None:
        raise Http404
    return organisation


def can_see_organisation(user, organisation: Organisation) -> bool:
    return Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists()


def is_organisation_admin(user, organisation: Organisation) -> bool:
    return Organisation.objects.administered_by(user).filter(pk=organisation.pk).exists()


def can_manage_members(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return is_organisation_admin(user, organisation) or coordinates_region_of(user, organisation)


def can_verify_organisation(user, organisation: Organisation) -> bool:
    """Whether the user is one who verifies it (a coordinator of its region, or the
    programme), for linking to the queue: the admin asks for the second factor itself."""
    return not organisation.is_verified and coordinates_region_of(
        with_reach_confirmed(user), organisation
    )


def _organisation_for_members_or_404(user, slug: str) -> Organisation:
    organisation = organisation_get_for_user(user=user, slug=slug)
    if organisation is None:
        raise Http404
    return organisation


def get_organisation_for_edit_or_404(user, slug: str) -> Organisation:
    """For its administrators: 404 when hidden, 403 when visible but not theirs."""
    organisation = _organisation_for_members_or_404(user, slug)
    if not is_organisation_admin(user, organisation):
        raise PermissionDenied
    return organisation


def get_organisation_for_member_management_or_404(user, slug: str) -> Organisation:
    """For its administrators and the region's coordinators: 404 when hidden, else 403."""
    organisation = _organisation_for_members_or_404(user, slug)
    if not can_manage_members(user, organisation):
        raise PermissionDenied
    return organisation


def get_organisation_for_joining_or_404(user, slug: str) -> Organisation:
    """An organisation one may ask to join: visible and active (an inactive one takes no
    new members), else 404."""
    organisation = _organisation_for_members_or_404(user, slug)
    if not organisation.is_active:
        raise Http404
    return organisation


def get_membership_for_leaving_or_404(user, slug: str) -> Membership:
    """The user's own membership (or open request) of the organisation, which is theirs to
    end even if the organisation has been made inactive since; 404 without one."""
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__slug=slug)
        .first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404
    return membership
