"""The audit trail of coordinator actions is written by the services themselves, in the same
transaction as the change: publishing, rejecting and closing a challenge, a coordinator's
decision on a match and a matching run a coordinator starts. What nobody decided (imports,
tasks) and what was refused leave no row."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.audit.models import AuditAction, AuditEvent
from apps.challenges.models import ChallengeStatus
from apps.challenges.services import (
    challenge_change_status,
    challenge_close,
    challenge_publish,
    challenge_reject,
    challenge_submit,
)
from apps.hubs.services import hub_coordinator_add
from apps.matching.models import MatchStatus
from apps.matching.services import (
    InvalidMatchTransition,
    match_run_for_challenge,
    match_run_full,
    match_set_shortlisted,
    match_set_status,
)
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.hubs.factories import hub
from tests.matching.factories import MatchFactory
from tests.mfa_helpers import login_with_second_factor

pytestmark = pytest.mark.django_db


def make_hub_coordinator(hub_slug: str):
    user = UserFactory()
    hub_coordinator_add(hub=hub(hub_slug), user=user)
    return user


@pytest.fixture
def zh_coordinator(db):
    return make_hub_coordinator("zuid-holland")


@pytest.fixture
def submitted(sme):
    return ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)


# --- Challenges ------------------------------------------------------------------------------


def test_publishing_records_who_and_the_status_before_and_after(zh_coordinator, submitted):
    challenge_publish(challenge=submitted, by=zh_coordinator)

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.CHALLENGE_PUBLISHED
    assert (event.actor, event.actor_label) == (zh_coordinator, zh_coordinator.email)
    assert (event.object_type, event.object_id) == ("challenges.Challenge", str(submitted.pk))
    assert event.province_id == submitted.province_id
    assert (event.before, event.after) == ({"status": "submitted"}, {"status": "published"})


def test_rejecting_records_the_reason(zh_coordinator, submitted):
    challenge_reject(challenge=submitted, reason="  Noem de data die er is.  ", by=zh_coordinator)

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.CHALLENGE_REJECTED
    assert event.after == {"status": "rejected", "reason": "Noem de data die er is."}


def test_closing_is_recorded(zh_coordinator, sme):
    published = ChallengeFactory(organisation=sme, status=ChallengeStatus.PUBLISHED)

    challenge_close(challenge=published, by=zh_coordinator)

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.CHALLENGE_CLOSED
    assert (event.before, event.after) == ({"status": "published"}, {"status": "closed"})


def test_a_refused_move_leaves_no_audit_row(zh_coordinator, sme):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)

    with pytest.raises(ValidationError):
        challenge_publish(challenge=draft, by=zh_coordinator)
    with pytest.raises(ValidationError):
        challenge_reject(challenge=draft, reason="", by=zh_coordinator)

    assert not AuditEvent.objects.exists()


def test_moves_nobody_decided_are_not_in_the_coordinators_trail(submitted):
    # An import or a task passes no person: the import records itself as a whole.
    challenge_change_status(
        challenge=submitted, to_status=ChallengeStatus.PUBLISHED, announce=False
    )

    assert not AuditEvent.objects.exists()


def test_submitting_is_not_a_coordinator_action(member, sme):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)

    challenge_submit(challenge=draft, by=member)

    assert not AuditEvent.objects.exists()


# --- Matches -----------------------------------------------------------------------------------


def test_a_coordinators_match_decision_is_recorded(zh_coordinator):
    match = MatchFactory()

    match_set_status(match=match, status=MatchStatus.ACCEPTED, by=zh_coordinator)

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.MATCH_STATUS_CHANGED
    assert (event.object_type, event.object_id) == ("matching.Match", str(match.pk))
    assert event.province_id == match.challenge.province_id
    assert (event.before, event.after) == ({"status": "suggested"}, {"status": "accepted"})


def test_the_organisations_own_shortlist_is_not_in_the_coordinators_trail(member, sme):
    match = MatchFactory(challenge=ChallengeFactory(organisation=sme))

    match_set_shortlisted(match=match, shortlisted=True, by=member)

    match.refresh_from_db()
    assert match.status == MatchStatus.SHORTLISTED
    assert not AuditEvent.objects.exists()


def test_a_refused_match_move_changes_nothing_and_records_nothing(zh_coordinator):
    match = MatchFactory(status=MatchStatus.DECLINED)

    with pytest.raises(InvalidMatchTransition):
        match_set_status(match=match, status=MatchStatus.ACCEPTED, by=zh_coordinator)

    match.refresh_from_db()
    assert match.status == MatchStatus.DECLINED
    assert not AuditEvent.objects.exists()


def test_setting_the_status_a_match_already_has_is_a_no_op(zh_coordinator):
    match = MatchFactory(status=MatchStatus.ACCEPTED)

    match_set_status(match=match, status=MatchStatus.ACCEPTED, by=zh_coordinator)

    match.refresh_from_db()
    assert match.status_changed_at is None
    assert not AuditEvent.objects.exists()


# --- Runs --------------------------------------------------------------------------------------


def test_a_rematch_started_by_a_coordinator_is_recorded_on_the_challenge(
    zh_coordinator, sme, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(organisation=sme)

    with django_capture_on_commit_callbacks():
        run = match_run_for_challenge(challenge_id=challenge.pk, by=zh_coordinator)

    event = AuditEvent.objects.get()
    assert event.action == AuditAction.MATCHING_STARTED
    assert (event.object_type, event.object_id) == ("challenges.Challenge", str(challenge.pk))
    assert event.after["run"] == run.pk
    assert event.after["kind"] == "challenge"


def test_runs_nobody_started_by_hand_are_not_recorded(sme, django_capture_on_commit_callbacks):
    ChallengeFactory(organisation=sme)

    with django_capture_on_commit_callbacks():
        match_run_full(hub=hub("zuid-holland"), balanced=True)

    assert not AuditEvent.objects.exists()


# --- The trail in the admin ------------------------------------------------------------------


def test_the_trail_is_visible_to_the_regions_coordinator_only(client, zh_coordinator, submitted):
    challenge_publish(challenge=submitted, by=zh_coordinator)
    event = AuditEvent.objects.get()
    changelist = reverse("admin:audit_auditevent_changelist")

    login_with_second_factor(client, zh_coordinator)
    assert list(client.get(changelist).context["cl"].result_list) == [event]

    login_with_second_factor(client, make_hub_coordinator("noord-nederland"))
    assert list(client.get(changelist).context["cl"].result_list) == []
