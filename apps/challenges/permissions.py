"""Who may see which challenge. Views ask here; they never check visibility themselves."""

from django.http import Http404

from .models import Challenge, ChallengeStatus
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
