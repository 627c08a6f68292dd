from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from apps.notifications import services
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import unsubscribe_token_load
from apps.notifications.models import Frequency, Notification
from apps.notifications.tasks import send_weekly_digests
from tests.accounts.factories import UserFactory
from tests.notifications.backends import RefusingAddressBackend
from tests.notifications.factories import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

MATCHES = NotificationKind.NEW_MATCHES
UPDATES = NotificationKind.COMMUNITY_UPDATE


def weekly_reader(*kinds, **user_fields):
    person = UserFactory(**user_fields)
    for kind in kinds:
        NotificationPreferenceFactory(user=person, kind=kind, frequency=Frequency.WEEKLY)
    return person


def token_of(url: str) -> str:
    return url.strip("<>").rstrip("/").rsplit("/", 1)[1]


def test_one_summary_lists_every_pending_notice_and_a_second_run_sends_nothing(mailoutbox):
    person = weekly_reader(MATCHES, UPDATES, preferred_language="en")
    notices = [
        NotificationFactory(recipient=person, kind=MATCHES, title="Three new partners"),
        NotificationFactory(recipient=person, kind=MATCHES, title="Two more partners"),
        NotificationFactory(recipient=person, kind=UPDATES, title="Meeting notes posted"),
    ]

    assert send_weekly_digests.apply().get() == 1
    assert send_weekly_digests.apply().get() == 0

    [message] = mailoutbox
    assert message.to == [person.email]
    assert "3 notifications" in message.subject
    for notice in notices:
        assert notice.title in message.body
    assert not Notification.objects.filter(digested_at__isnull=True).exists()
    # One stop link per kind in the body, and the one-click header stops both.
    stop_tokens = {
        token_of(line.split(": ", 1)[1])
        for line in message.body.splitlines()
        if "/unsubscribe/" in line and line.startswith("- ")
    }
    assert sorted(unsubscribe_token_load(token) for token in stop_tokens) == sorted(
        [(person.pk, [MATCHES]), (person.pk, [UPDATES])]
    )
    header_kinds = unsubscribe_token_load(token_of(message.extra_headers["List-Unsubscribe"]))[1]
    assert sorted(header_kinds) == sorted([MATCHES, UPDATES])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["Content-Language"] == "en"


def test_summary_leaves_out_immediate_off_read_emailed_and_stale_notices(mailoutbox):
    person = weekly_reader(MATCHES)
    NotificationPreferenceFactory(
        user=person, kind=NotificationKind.COMMUNITY_ACTIVITY, frequency=Frequency.OFF
    )
    wanted = NotificationFactory(recipient=person, kind=MATCHES, title="Wanted")
    NotificationFactory(recipient=person, kind=UPDATES, title="Sent at once")  # no row: at once
    NotificationFactory(recipient=person, kind=NotificationKind.COMMUNITY_ACTIVITY, title="Off")
    NotificationFactory(recipient=person, kind=MATCHES, title="Read", read_at=timezone.now())
    NotificationFactory(recipient=person, kind=MATCHES, title="Mailed", emailed_at=timezone.now())
    stale = NotificationFactory(recipient=person, kind=MATCHES, title="Stale")
    Notification.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - services.DIGEST_LOOKBACK - timedelta(days=1)
    )

    result = services.notification_digests_send()

    assert result == services.DigestResult(sent=1, failed=0)
    [message] = mailoutbox
    assert "Wanted" in message.body
    for title in ("Sent at once", "Off", "Read", "Mailed", "Stale"):
        assert title not in message.body
    assert list(Notification.objects.filter(digested_at__isnull=False)) == [wanted]


def test_each_person_gets_their_own_summary_in_their_language(mailoutbox):
    dutch = weekly_reader(MATCHES, preferred_language="nl")
    english = weekly_reader(MATCHES, preferred_language="en")
    NotificationFactory(recipient=dutch, kind=MATCHES, title="Voor Nederlands")
    NotificationFactory(recipient=english, kind=MATCHES, title="For English")

    assert services.notification_digests_send().sent == 2

    by_address = {message.to[0]: message for message in mailoutbox}
    assert "Voor Nederlands" in by_address[dutch.email].body
    assert "For English" not in by_address[dutch.email].body
    assert by_address[dutch.email].extra_headers["Content-Language"] == "nl"
    assert by_address[english.email].extra_headers["Content-Language"] == "en"
    assert f"{settings.SITE_URL}/en/notifications/" in by_address[english.email].body


def test_an_inactive_person_gets_no_summary(mailoutbox):
    person = weekly_reader(MATCHES, is_active=False)
    NotificationFactory(recipient=person, kind=MATCHES)
    assert services.notification_digests_send().sent == 0
    assert mailoutbox == []


@override_settings(EMAIL_BACKEND="tests.notifications.backends.RefusingAddressBackend")
def test_a_failed_summary_loses_nothing_and_does_not_hold_up_the_others(mailoutbox):
    unlucky = weekly_reader(MATCHES, email="unlucky@example.nl")
    lucky = weekly_reader(MATCHES, email="lucky@example.nl")
    kept = NotificationFactory(recipient=unlucky, kind=MATCHES, title="Kept for later")
    NotificationFactory(recipient=lucky, kind=MATCHES)
    RefusingAddressBackend.refused = {unlucky.email}

    try:
        result = services.notification_digests_send()
    finally:
        RefusingAddressBackend.refused = set()

    assert result == services.DigestResult(sent=1, failed=1)
    assert [message.to for message in mailoutbox] == [[lucky.email]]
    kept.refresh_from_db()
    assert kept.digested_at is None

    # The next run (the task's retry) sends what was kept, once.
    assert services.notification_digests_send() == services.DigestResult(sent=1, failed=0)
    assert "Kept for later" in mailoutbox[1].body
    assert services.notification_digests_send().sent == 0


def test_the_weekly_digest_is_on_the_beat_schedule_monday_morning():
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "apps.notifications.tasks.send_weekly_digests"
    )
    schedule = entry["schedule"]
    assert schedule.day_of_week == {1}
    assert (schedule.hour, schedule.minute) == ({7}, {0})
    assert settings.CELERY_TIMEZONE == "Europe/Amsterdam"
