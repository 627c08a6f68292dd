"""The one check of a status workflow (apps.core.transitions), as the challenge, community and
match services use it."""

import pytest
from django.utils import translation

from apps.challenges.models import ALLOWED_TRANSITIONS, ChallengeStatus
from apps.challenges.services import InvalidTransition as ChallengeTransitionRefused
from apps.core.transitions import InvalidTransition, transition_allowed, transition_check
from apps.matching.models import MatchStatus
from apps.matching.services import MATCH_TRANSITIONS, InvalidMatchTransition


def refusal(**kwargs) -> InvalidTransition:
    with pytest.raises(InvalidTransition) as refused:
        transition_check(**kwargs)
    return refused.value


def test_an_allowed_move_passes_and_a_refused_one_names_both_statuses_in_the_reader_s_language():
    check = {
        "allowed": ALLOWED_TRANSITIONS,
        "statuses": ChallengeStatus,
        "refusal": "A challenge cannot go from “%(from)s” to “%(to)s”.",
    }
    transition_check(current=ChallengeStatus.SUBMITTED, to=ChallengeStatus.PUBLISHED, **check)
    assert transition_allowed(ALLOWED_TRANSITIONS, ChallengeStatus.DRAFT, ChallengeStatus.SUBMITTED)

    with translation.override("en"):
        error = refusal(current=ChallengeStatus.DRAFT, to=ChallengeStatus.CLOSED, **check)
    assert error.messages == ["A challenge cannot go from “draft” to “closed”."]
    assert error.code == "invalid_transition"

    with translation.override("en"):
        error = refusal(current=ChallengeStatus.DRAFT, to="vanished", **check)
    assert error.messages == ["A challenge cannot go from “draft” to “vanished”."]


def test_each_workflow_keeps_its_own_error_class():
    with pytest.raises(InvalidMatchTransition):
        transition_check(
            allowed=MATCH_TRANSITIONS,
            statuses=MatchStatus,
            current=MatchStatus.ACCEPTED,
            to=MatchStatus.SUGGESTED,
            refusal="%(from)s %(to)s",
            error=InvalidMatchTransition,
        )
    assert issubclass(ChallengeTransitionRefused, InvalidTransition)
