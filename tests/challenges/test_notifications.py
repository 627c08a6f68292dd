"""Who hears about a challenge's progress: coordinators of the region when it is submitted, the
organisation's active members when it is published or rejected, and the organisation when
someone shows interest."""

import pytest
from django.urls import reverse

from apps.challenges.models import ChallengeStatus
from apps.challenges.services import (
    challenge_change_status,
    challenge_interest_express,
    challenge_publish,
    challenge_reject,
    challenge_submit,
    challenge_withdraw,
)
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def recipients(kind) -> set:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def emails(*people) -> set:
    return {person.email for person in people}


def test_submitting_notifies_the_coordinators_of_the_region_only(
    sme, member, coordinator, other_hub_coordinator, programme_coordinator
):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    challenge_submit(challenge=challenge, by=member)
    assert recipients(NotificationKind.CHALLENGE_SUBMITTED) == emails(coordinator)
    notice = Notification.objects.get(recipient=coordinator)
    assert challenge.title in notice.title
    assert notice.url == reverse("challenges:status", kwargs={"pk": challenge.pk})


def test_resubmitting_after_a_rejection_notifies_again(sme, member, coordinator):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    challenge_submit(challenge=challenge, by=member)
    challenge_reject(challenge=challenge, reason="Graag meer uitleg.", by=coordinator)
    # A later submission is a new event (its own moment in the key), even within a second.
    challenge_submit(challenge=challenge, by=member)
    assert Notification.objects.filter(kind=NotificationKind.CHALLENGE_SUBMITTED).count() == 2


def test_publishing_notifies_the_active_members_except_the_one_who_published(
    sme, member, coordinator
):
    colleague = MembershipFactory(organisation=sme).user
    MembershipFactory(organisation=sme, state=Membership.State.REQUESTED)
    inactive = MembershipFactory(organisation=sme, user=UserFactory(is_active=False)).user
    publishing_member = MembershipFactory(organisation=sme).user
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    challenge_publish(challenge=challenge, by=publishing_member)
    published = recipients(NotificationKind.CHALLENGE_PUBLISHED)
    assert published == emails(member, colleague)
    assert inactive.email not in published
    notice = Notification.objects.get(recipient=member)
    assert notice.url == reverse("challenges:matches", kwargs={"pk": challenge.pk})


def test_rejecting_tells_the_members_the_reason_in_their_language(sme, member, coordinator):
    member.preferred_language = "en"
    member.save()
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    challenge_reject(challenge=challenge, reason="Noem de data die er is.", by=coordinator)
    notice = Notification.objects.get(kind=NotificationKind.CHALLENGE_REJECTED)
    assert notice.recipient == member
    assert "needs changes" in notice.title
    assert "Noem de data die er is." in notice.body


def test_a_repeated_notification_for_the_same_change_is_not_sent_twice(sme, member, coordinator):
    from apps.challenges.services import _notify_status_change

    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    challenge_publish(challenge=challenge, by=coordinator)
    challenge.refresh_from_db()
    # A retry of the same change (same moment) finds its notice already there.
    _notify_status_change(challenge=challenge, by=coordinator, at=challenge.published_at)
    assert Notification.objects.filter(kind=NotificationKind.CHALLENGE_PUBLISHED).count() == 1


def test_withdrawing_and_closing_notify_no_one(sme, member, coordinator):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    challenge_withdraw(challenge=challenge, by=member)
    published = ChallengeFactory(organisation=sme, status=ChallengeStatus.PUBLISHED)
    challenge_change_status(challenge=published, to_status=ChallengeStatus.CLOSED, by=coordinator)
    assert not Notification.objects.exists()


def test_interest_notifies_the_organisation_once(sme, member, outsider):
    challenge = ChallengeFactory(organisation=sme)
    _interest, created = challenge_interest_express(challenge=challenge, user=outsider)
    _again, created_again = challenge_interest_express(challenge=challenge, user=outsider)
    assert created and not created_again
    assert recipients(NotificationKind.INTEREST_EXPRESSED) == emails(member)
    assert Notification.objects.count() == 1


def test_interest_in_an_unpublished_challenge_is_refused(sme, outsider):
    from django.core.exceptions import ValidationError

    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.CLOSED)
    with pytest.raises(ValidationError):
        challenge_interest_express(challenge=challenge, user=outsider)
    assert not Notification.objects.exists()
