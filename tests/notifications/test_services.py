import base64
import json

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Frequency, Notification, NotificationPreference
from apps.notifications.services import (
    notification_mark_all_read,
    notification_preferences_set,
    notification_unsubscribe,
    notify,
)
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

KIND = NotificationKind.CHALLENGE_PUBLISHED


def text(person):
    return f"Titel in {translation.get_language()}", gettext("Challenges")


def queued_tasks(client) -> list[tuple[str, list]]:
    """(task name, args) of the messages waiting in this run's queue on the real broker."""
    tasks = []
    for raw in client.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        tasks.append((message["headers"]["task"], args))
    return tasks


# --- notify --------------------------------------------------------------------------------


def test_notify_creates_one_row_per_recipient_in_their_language(dutch_user, english_user):
    created = notify(recipients=[dutch_user, english_user], kind=KIND, text=text, url="/x/")

    assert len(created) == 2
    titles = dict(Notification.objects.values_list("recipient__email", "title"))
    assert titles == {dutch_user.email: "Titel in nl", english_user.email: "Titel in en"}
    bodies = dict(Notification.objects.values_list("recipient__email", "body"))
    assert bodies == {dutch_user.email: "Uitdagingen", english_user.email: "Challenges"}


def test_notify_twice_with_the_same_key_notifies_once(dutch_user, english_user):
    notify(recipients=[dutch_user], kind=KIND, text=text, dedupe_key="challenge-1-published")
    again = notify(
        recipients=[dutch_user, english_user],
        kind=KIND,
        text=text,
        dedupe_key="challenge-1-published",
    )

    assert [n.recipient_id for n in again] == [english_user.pk]
    assert Notification.objects.filter(recipient=dutch_user).count() == 1
    assert Notification.objects.count() == 2


def test_the_same_key_for_another_kind_is_another_notice(dutch_user):
    notify(recipients=[dutch_user], kind=KIND, text=text, dedupe_key="k")
    notify(recipients=[dutch_user], kind=NotificationKind.NEW_MATCHES, text=text, dedupe_key="k")
    assert Notification.objects.filter(recipient=dutch_user).count() == 2


def test_notify_leaves_out_the_actor_inactive_people_and_none(dutch_user, english_user):
    inactive = UserFactory(is_active=False)
    created = notify(
        recipients=[dutch_user, english_user, inactive, None],
        kind=KIND,
        text=text,
        exclude=english_user,
    )
    assert [n.recipient_id for n in created] == [dutch_user.pk]


# --- routing by preference -------------------------------------------------------------------


def test_only_people_who_want_it_immediately_get_an_email_queued_after_the_commit(
    purged_queue, django_capture_on_commit_callbacks
):
    immediately, weekly, off = UserFactory(), UserFactory(), UserFactory()
    NotificationPreferenceFactory(user=weekly, kind=KIND, frequency=Frequency.WEEKLY)
    NotificationPreferenceFactory(user=off, kind=KIND, frequency=Frequency.OFF)
    # Another kind's preference does not matter for this kind.
    NotificationPreferenceFactory(
        user=immediately, kind=NotificationKind.NEW_MATCHES, frequency=Frequency.OFF
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[immediately, weekly, off], kind=KIND, text=text)
    assert purged_queue.llen(settings.CELERY_TASK_DEFAULT_QUEUE) == 0  # nothing before commit
    for callback in callbacks:
        callback()

    mine = Notification.objects.get(recipient=immediately)
    assert queued_tasks(purged_queue) == [
        ("apps.notifications.tasks.send_notification_email", [mine.pk])
    ]
    # The in-app notice is there for everyone, whatever their email choice.
    assert Notification.objects.filter(recipient__in=[weekly, off]).count() == 2


def test_a_duplicate_notify_queues_no_second_email(
    purged_queue, django_capture_on_commit_callbacks, dutch_user
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[dutch_user], kind=KIND, text=text, dedupe_key="once")
        notify(recipients=[dutch_user], kind=KIND, text=text, dedupe_key="once")
    assert len(queued_tasks(purged_queue)) == 1


def test_nothing_is_queued_when_the_transaction_rolls_back(purged_queue, dutch_user):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[dutch_user], kind=KIND, text=text)
        raise RuntimeError("rolled back")
    assert purged_queue.llen(settings.CELERY_TASK_DEFAULT_QUEUE) == 0


# --- preferences and reading -----------------------------------------------------------------


def test_preferences_set_upserts_one_row_per_kind(dutch_user):
    notification_preferences_set(user=dutch_user, frequencies={KIND: Frequency.WEEKLY})
    notification_preferences_set(
        user=dutch_user,
        frequencies={KIND: Frequency.OFF, NotificationKind.NEW_MATCHES: Frequency.WEEKLY},
    )
    assert dict(
        NotificationPreference.objects.filter(user=dutch_user).values_list("kind", "frequency")
    ) == {KIND: Frequency.OFF, NotificationKind.NEW_MATCHES: Frequency.WEEKLY}


def test_preferences_set_refuses_an_unknown_frequency(dutch_user):
    with pytest.raises(ValueError):
        notification_preferences_set(user=dutch_user, frequencies={KIND: "hourly"})
    assert not NotificationPreference.objects.exists()


def test_unsubscribe_turns_only_the_named_kinds_off(dutch_user):
    NotificationPreferenceFactory(
        user=dutch_user, kind=NotificationKind.NEW_MATCHES, frequency=Frequency.WEEKLY
    )
    notification_unsubscribe(user=dutch_user, kinds=[KIND])
    assert dict(
        NotificationPreference.objects.filter(user=dutch_user).values_list("kind", "frequency")
    ) == {KIND: Frequency.OFF, NotificationKind.NEW_MATCHES: Frequency.WEEKLY}


def test_mark_all_read_touches_only_the_persons_own_unread_notices(dutch_user, english_user):
    NotificationFactory.create_batch(2, recipient=dutch_user)
    other = NotificationFactory(recipient=english_user)

    assert notification_mark_all_read(user=dutch_user) == 2
    assert not Notification.objects.filter(recipient=dutch_user, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
