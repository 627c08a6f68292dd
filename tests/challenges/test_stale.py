"""Stale demand: a challenge published long ago without a community reminds its organisation
and the region's coordinators once per waiting period; the organisation (on the status page)
and the coordinators (in the admin) renew or close it."""

import time
from datetime import timedelta

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from apps.audit.models import AuditAction, AuditEvent
from apps.challenges import stale, tasks
from apps.challenges.models import ChallengeStatus, Visibility
from apps.hubs.services import hub_coordinator_add
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from learningcommunities.celery import app
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import LearningCommunityFactory
from tests.hubs.factories import hub
from tests.mfa_helpers import login_with_second_factor, sign_in

STALE_AGE = timedelta(days=61)
FRESH_AGE = timedelta(days=59)


def ago(age: timedelta):
    return timezone.now() - age


def real_coordinator(hub_slug: str):
    user = UserFactory()
    hub_coordinator_add(hub=hub(hub_slug), user=user)
    return user


@pytest.fixture
def zh_coordinator(db):
    return real_coordinator("zuid-holland")


@pytest.fixture
def nn_coordinator(db):
    return real_coordinator("noord-nederland")


@pytest.fixture
def old_challenge(sme, member):
    """Published 61 days ago by `sme` (Zuid-Holland), no community."""
    return ChallengeFactory(organisation=sme, published_at=ago(STALE_AGE))


def stale_notices(**filters):
    return Notification.objects.filter(kind=NotificationKind.CHALLENGE_STALE, **filters)


# --- Which challenges are stale ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_challenge_published_over_60_days_ago_without_community_is_stale(old_challenge, sme):
    fresh = ChallengeFactory(organisation=sme, published_at=ago(FRESH_AGE))

    assert list(stale.challenges_stale()) == [old_challenge]
    assert stale.challenge_is_stale(challenge=old_challenge) is True
    assert stale.challenge_is_stale(challenge=fresh) is False


@pytest.mark.django_db
def test_a_renewed_challenge_is_not_stale(old_challenge, member):
    stale.challenge_renew(challenge=old_challenge, by=member)

    assert not stale.challenges_stale().exists()
    assert stale.challenge_is_stale(challenge=old_challenge) is False
    old_challenge.refresh_from_db()
    # The first publication stays what the insights measure from.
    assert old_challenge.published_at < ago(timedelta(days=60))


@pytest.mark.django_db
def test_a_renewal_long_ago_makes_it_stale_again(sme):
    challenge = ChallengeFactory(
        organisation=sme, published_at=ago(timedelta(days=200)), renewed_at=ago(STALE_AGE)
    )

    assert list(stale.challenges_stale()) == [challenge]


@pytest.mark.django_db
def test_a_challenge_in_a_community_is_never_stale(sme):
    in_community = ChallengeFactory(
        organisation=sme, status=ChallengeStatus.IN_COMMUNITY, published_at=ago(timedelta(400))
    )
    # Linked to a community by hand, without the status having followed.
    linked = ChallengeFactory(organisation=sme, published_at=ago(timedelta(400)))
    LearningCommunityFactory().challenges.add(in_community, linked)
    ChallengeFactory(
        organisation=sme, status=ChallengeStatus.CLOSED, published_at=ago(timedelta(400))
    )

    assert not stale.challenges_stale().exists()
    assert stale.challenge_is_stale(challenge=in_community) is False
    assert stale.challenge_is_stale(challenge=linked) is False


@pytest.mark.django_db
def test_the_waiting_period_is_a_setting(old_challenge, settings):
    settings.CHALLENGE_STALE_AFTER_DAYS = 90

    assert not stale.challenges_stale().exists()


# --- Reminders ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_organisation_and_the_regions_coordinators_are_reminded_once(
    old_challenge, member, zh_coordinator, nn_coordinator
):
    first = stale.challenges_stale_remind_all()
    second = stale.challenges_stale_remind_all()

    assert (first, second) == (2, 0)
    assert set(stale_notices().values_list("recipient_id", flat=True)) == {
        member.pk,
        zh_coordinator.pk,
    }
    own = stale_notices().get(recipient=member)
    assert own.url == reverse("challenges:status", kwargs={"pk": old_challenge.pk})
    assert old_challenge.title in own.title


@pytest.mark.django_db
def test_a_renewed_challenge_that_goes_stale_again_reminds_again(
    old_challenge, member, zh_coordinator
):
    stale.challenges_stale_remind_all()
    stale.challenge_renew(challenge=old_challenge, by=member)
    later = timezone.now() + STALE_AGE

    assert stale.challenges_stale_remind_all(now=later) == 2
    assert stale_notices(recipient=member).count() == 2


@pytest.mark.django_db
def test_a_fresh_challenge_reminds_no_one(sme, member, zh_coordinator):
    ChallengeFactory(organisation=sme, published_at=ago(FRESH_AGE))

    assert stale.challenges_stale_remind_all() == 0
    assert not stale_notices().exists()


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the worker")


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_on_a_real_worker_reminds_once_however_often_it_runs(
    old_challenge, member, zh_coordinator
):
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        tasks.remind_stale_challenges.delay()
        wait_for(lambda: stale_notices().count() == 2)
        tasks.remind_stale_challenges.delay()
        wait_for(lambda: broker.llen(settings.CELERY_TASK_DEFAULT_QUEUE) == 0)
        time.sleep(1)
    assert sorted(stale_notices().values_list("recipient_id", flat=True)) == sorted(
        [member.pk, zh_coordinator.pk]
    )


def test_the_task_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["challenges-stale-reminders"]

    assert entry["task"] == tasks.remind_stale_challenges.name


# --- Renewing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_renewing_is_audited(old_challenge, member):
    stale.challenge_renew(challenge=old_challenge, by=member)

    event = AuditEvent.objects.get(action=AuditAction.CHALLENGE_RENEWED)
    assert event.actor == member
    assert event.object_id == str(old_challenge.pk)
    assert event.before == {"renewed_at": None}
    assert event.after["renewed_at"] == old_challenge.renewed_at.isoformat()


@pytest.mark.django_db
def test_only_a_published_challenge_can_be_renewed(sme, member):
    closed = ChallengeFactory(organisation=sme, status=ChallengeStatus.CLOSED)

    with pytest.raises(ValidationError):
        stale.challenge_renew(challenge=closed, by=member)
    closed.refresh_from_db()
    assert closed.renewed_at is None


# --- The organisation's status page ------------------------------------------------------------


def en(view_name: str, challenge) -> str:
    with translation.override("en"):
        return reverse(view_name, kwargs={"pk": challenge.pk})


@pytest.mark.django_db
def test_the_status_page_offers_renew_and_close_when_stale(client, old_challenge, member):
    client.force_login(member)

    page = client.get(en("challenges:status", old_challenge)).content.decode()

    assert en("challenges:renew", old_challenge) in page
    assert en("challenges:close", old_challenge) in page


@pytest.mark.django_db
def test_the_status_page_offers_nothing_while_fresh(client, sme, member):
    fresh = ChallengeFactory(organisation=sme, published_at=ago(FRESH_AGE))
    client.force_login(member)

    page = client.get(en("challenges:status", fresh)).content.decode()

    assert en("challenges:renew", fresh) not in page


@pytest.mark.django_db
def test_coordinators_see_the_status_page_without_the_organisations_buttons(
    client, old_challenge, zh_coordinator
):
    sign_in(client, zh_coordinator)

    response = client.get(en("challenges:status", old_challenge))

    assert response.status_code == 200
    assert response.context["is_stale"] is True
    assert en("challenges:renew", old_challenge) not in response.content.decode()


@pytest.mark.django_db
def test_a_member_renews_from_the_status_page(client, old_challenge, member):
    client.force_login(member)

    response = client.post(en("challenges:renew", old_challenge))

    assert response.status_code == 302
    assert response["Location"] == en("challenges:status", old_challenge)
    old_challenge.refresh_from_db()
    assert old_challenge.renewed_at is not None
    assert old_challenge.status == ChallengeStatus.PUBLISHED


@pytest.mark.django_db
def test_a_member_closes_from_the_status_page(client, old_challenge, member):
    client.force_login(member)

    client.post(en("challenges:close", old_challenge))

    old_challenge.refresh_from_db()
    assert old_challenge.status == ChallengeStatus.CLOSED
    assert AuditEvent.objects.filter(action=AuditAction.CHALLENGE_CLOSED, actor=member).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["challenges:renew", "challenges:close"])
def test_anonymous_is_sent_to_log_in(client, old_challenge, name):
    response = client.post(en(name, old_challenge))

    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["challenges:renew", "challenges:close"])
@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator", "zh_coordinator"])
def test_others_may_see_a_public_challenge_but_not_renew_or_close_it(
    client, old_challenge, name, persona, request
):
    sign_in(client, request.getfixturevalue(persona))

    response = client.post(en(name, old_challenge))

    assert response.status_code == 403
    old_challenge.refresh_from_db()
    assert (old_challenge.status, old_challenge.renewed_at) == (ChallengeStatus.PUBLISHED, None)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["challenges:renew", "challenges:close"])
@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator"])
def test_a_hub_only_challenge_is_not_found_by_others(client, old_challenge, name, persona, request):
    old_challenge.visibility = Visibility.HUB
    old_challenge.save()
    sign_in(client, request.getfixturevalue(persona))

    assert client.post(en(name, old_challenge)).status_code == 404


@pytest.mark.django_db
def test_renew_and_close_are_posted_not_fetched(client, old_challenge, member):
    client.force_login(member)

    assert client.get(en("challenges:renew", old_challenge)).status_code == 405
    assert client.get(en("challenges:close", old_challenge)).status_code == 405


# --- The coordinators' admin actions -----------------------------------------------------------


def run_action(client, action, challenges):
    return client.post(
        reverse("admin:challenges_challenge_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in challenges]},
    )


@pytest.mark.django_db
def test_a_coordinator_renews_in_the_admin(client, old_challenge, zh_coordinator):
    login_with_second_factor(client, zh_coordinator)

    response = run_action(client, "renew_selected", [old_challenge])

    assert response.status_code == 302
    old_challenge.refresh_from_db()
    assert old_challenge.renewed_at is not None
    assert AuditEvent.objects.get(action=AuditAction.CHALLENGE_RENEWED).actor == zh_coordinator


@pytest.mark.django_db
def test_a_coordinator_closes_in_the_admin(client, old_challenge, zh_coordinator):
    login_with_second_factor(client, zh_coordinator)

    run_action(client, "close_selected", [old_challenge])

    old_challenge.refresh_from_db()
    assert old_challenge.status == ChallengeStatus.CLOSED


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["renew_selected", "close_selected"])
def test_a_coordinator_of_another_hub_cannot_act_on_it(
    client, old_challenge, nn_coordinator, action
):
    login_with_second_factor(client, nn_coordinator)

    run_action(client, action, [old_challenge])

    old_challenge.refresh_from_db()
    assert (old_challenge.status, old_challenge.renewed_at) == (ChallengeStatus.PUBLISHED, None)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_renewing_a_closed_challenge_in_the_admin_is_reported_not_done(client, sme, zh_coordinator):
    closed = ChallengeFactory(organisation=sme, status=ChallengeStatus.CLOSED)
    login_with_second_factor(client, zh_coordinator)

    run_action(client, "renew_selected", [closed])

    closed.refresh_from_db()
    assert closed.renewed_at is None
