"""Who may see which challenge. Views ask here; they never check visibility themselves."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.permissions import coordinates_region_of

from .models import EDITABLE_STATUSES, Challenge, ChallengeStatus
from .selectors import challenge_get_visible


def get_challenge_for_view_or_404(user, pk: int) -> Challenge:
    """The challenge if the user may see it; otherwise a 404, so a hidden challenge's
    existence is never revealed (not even by a 403)."""
    challenge = challenge_get_visible(user=user, pk=pk)
    if challenge is None:
        raise Http404
    return challenge


def shows_review_feedback(challenge: Challenge) -> bool:
    """Whether the page shows the reviewer's reason for the last rejection.

    It is for the people who can act on it, and only they get this far: a rejected or draft
    challenge is visible to its organisation's members and the region's coordinators alone
    (`visible_to`), so the status decides. A draft keeps the reason of the rejection it was
    reopened after, as a to-do list for the next submission.
    """
    return bool(challenge.rejection_reason) and challenge.status in (
        ChallengeStatus.REJECTED,
        ChallengeStatus.DRAFT,
    )


# --- The organisation's own pages ------------------------------------------------------------


def is_active_member(user, organisation_id: int) -> bool:
    from apps.organisations.models import Membership

    return bool(
        user.is_authenticated
        and Membership.objects.active_for(user).filter(organisation_id=organisation_id).exists()
    )


def offers_challenge_form(user) -> bool:
    """Whether pages invite this person to describe a challenge ("Beschrijf je uitdaging").

    Visitors are invited (through sign-up), as are members of a company or public
    organisation, and people not active in any organisation yet: the form's page leads them
    to add theirs. People who only take part for an education or innovation partner answer
    challenges; the invitation would only be noise for them.
    """
    from apps.organisations.models import Membership, Organisation
    from apps.taxonomy.models import OrganisationKind

    if not user.is_authenticated:
        return True
    roles = set(
        Organisation.objects.filter(
            is_active=True,
            memberships__user=user,
            memberships__state=Membership.State.ACTIVE,
        ).values_list("kind__role", flat=True)
    )
    return not roles or OrganisationKind.Role.DEMAND in roles


def can_post_challenge_for(user, organisation) -> bool:
    """Whether `user` may describe a challenge on behalf of `organisation`."""
    return demand_organisations_of(user).filter(pk=organisation.pk).exists()


def demand_organisations_of(user):
    """The organisations a user may post challenges for: active member, demand kind."""
    from apps.organisations.models import Membership, Organisation

    if not user.is_authenticated:
        return Organisation.objects.none()
    return (
        Organisation.objects.demanders()
        .filter(
            is_active=True,
            memberships__user=user,
            memberships__state=Membership.State.ACTIVE,
        )
        .select_related("province")
        .order_by("name")
    )


def get_challenge_for_editing_or_404(user, pk: int) -> Challenge:
    """For editing, submitting and withdrawing: the organisation's active members only.
    Hidden challenges stay 404; a visible one that is not theirs is 403."""
    challenge = get_challenge_for_view_or_404(user, pk)
    if not is_active_member(user, challenge.organisation_id):
        raise PermissionDenied
    return challenge


def get_challenge_for_follow_up_or_404(user, pk: int) -> Challenge:
    """For the status and matches pages: the organisation's active members and the
    coordinators of its region (national coordinators included)."""
    challenge = get_challenge_for_view_or_404(user, pk)
    if not (
        is_active_member(user, challenge.organisation_id) or coordinates_region_of(user, challenge)
    ):
        raise PermissionDenied
    return challenge


def get_challenge_for_interest_or_404(user, pk: int) -> Challenge:
    """Showing interest: anyone signed in who can see the challenge, except its own
    organisation (it cannot be interested in itself)."""
    challenge = get_challenge_for_view_or_404(user, pk)
    if is_active_member(user, challenge.organisation_id):
        raise PermissionDenied
    return challenge


def can_edit(challenge: Challenge) -> bool:
    return challenge.status in EDITABLE_STATUSES
