import pytest
from django.core.exceptions import ValidationError

from apps.challenges.models import ALLOWED_TRANSITIONS, ChallengeStatus
from apps.challenges.services import (
    InvalidTransition,
    challenge_change_status,
    challenge_publish,
    challenge_reject,
    challenge_submit,
)
from tests.challenges.factories import ChallengeFactory

pytestmark = pytest.mark.django_db

ALL_PAIRS = [(a, b) for a in ChallengeStatus.values for b in ChallengeStatus.values if a != b]


def test_happy_path_draft_to_closed_sets_timestamps():
    challenge = ChallengeFactory(status=ChallengeStatus.DRAFT)
    challenge_submit(challenge=challenge)
    assert challenge.status == ChallengeStatus.SUBMITTED and challenge.submitted_at
    challenge_publish(challenge=challenge)
    assert challenge.published_at is not None
    challenge_change_status(challenge=challenge, to_status=ChallengeStatus.IN_COMMUNITY)
    challenge_change_status(challenge=challenge, to_status=ChallengeStatus.CLOSED)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.CLOSED and challenge.closed_at


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_only_allowed_transitions_are_accepted(from_status, to_status):
    extra = {"rejection_reason": "te vaag"} if from_status == ChallengeStatus.REJECTED else {}
    challenge = ChallengeFactory(status=from_status, **extra)
    allowed = to_status in ALLOWED_TRANSITIONS[from_status]
    if allowed:
        challenge_change_status(challenge=challenge, to_status=to_status, reason="reden")
        challenge.refresh_from_db()
        assert challenge.status == to_status
    else:
        with pytest.raises(InvalidTransition):
            challenge_change_status(challenge=challenge, to_status=to_status, reason="reden")
        challenge.refresh_from_db()
        assert challenge.status == from_status


def test_draft_cannot_be_published_without_review():
    challenge = ChallengeFactory(status=ChallengeStatus.DRAFT)
    with pytest.raises(InvalidTransition):
        challenge_publish(challenge=challenge)


def test_reject_requires_a_reason_and_stores_it():
    challenge = ChallengeFactory(status=ChallengeStatus.SUBMITTED)
    with pytest.raises(ValidationError):
        challenge_reject(challenge=challenge, reason="   ")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED
    challenge_reject(challenge=challenge, reason="Beschrijf het probleem concreter.")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.REJECTED
    assert challenge.rejection_reason == "Beschrijf het probleem concreter."


def test_resubmitting_a_rejected_challenge_clears_the_old_reason():
    challenge = ChallengeFactory(status=ChallengeStatus.REJECTED, rejection_reason="te vaag")
    challenge_submit(challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.rejection_reason == ""


def test_a_stale_copy_cannot_apply_a_transition_twice():
    challenge = ChallengeFactory(status=ChallengeStatus.SUBMITTED)
    stale = type(challenge).objects.get(pk=challenge.pk)
    challenge_publish(challenge=challenge)
    # The stale copy still says "submitted"; the service reads the locked row and refuses.
    with pytest.raises(InvalidTransition):
        challenge_reject(challenge=stale, reason="dubbel")
