"""The email for one notice: content, links, language and the unsubscribe headers. The task
runs in this process (`apply`); tests/notifications/test_tasks.py runs it on a real worker."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from apps.notifications import services
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import unsubscribe_token_load
from apps.notifications.models import Frequency, Notification
from apps.notifications.tasks import send_notification_email
from tests.notifications.backends import FailingOnceBackend
from tests.notifications.factories import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

KIND = NotificationKind.INTEREST_EXPRESSED


def notice_for(person, **kwargs):
    return services.notify(
        recipients=[person],
        kind=KIND,
        text=lambda p: (
            f"Subject in {translation.get_language()}",
            "Someone <b>wants</b> to help.\nSecond line.",
        ),
        url=kwargs.pop("url", reverse("challenges:detail", kwargs={"pk": 42})),
        **kwargs,
    )[0]


def html_of(message) -> str:
    return next(body for body, mimetype in message.alternatives if mimetype == "text/html")


def test_email_has_title_body_absolute_link_and_unsubscribe_link(mailoutbox, dutch_user):
    notification = notice_for(dutch_user)

    assert send_notification_email.apply(args=[notification.pk]).get() is True

    [message] = mailoutbox
    assert message.to == [dutch_user.email]
    assert message.subject.startswith("Subject in nl")
    assert "Someone <b>wants</b> to help." in message.body
    assert "https://testserver/challenges/42/" in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://testserver/notifications/unsubscribe/")
    assert unsubscribe.removeprefix("<").removesuffix(">") in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The HTML part escapes what people typed and carries the same links.
    html = html_of(message)
    assert "Someone &lt;b&gt;wants&lt;/b&gt; to help." in html
    assert 'href="https://testserver/challenges/42/"' in html
    assert unsubscribe.removeprefix("<").removesuffix(">") in html


def test_unsubscribe_link_names_the_person_and_only_this_kind(mailoutbox, dutch_user):
    send_notification_email.apply(args=[notice_for(dutch_user).pk])
    header = mailoutbox[0].extra_headers["List-Unsubscribe"]
    token = header.removeprefix("<").removesuffix(">").rstrip("/").rsplit("/", 1)[1]
    assert unsubscribe_token_load(token) == (dutch_user.pk, [KIND])


def test_email_is_in_the_recipients_language(mailoutbox, dutch_user, english_user):
    # The notice was created by someone browsing in English: links still follow the reader.
    with translation.override("en"):
        url = reverse("challenges:detail", kwargs={"pk": 42})
    assert url.startswith("/en/")
    for person in (dutch_user, english_user):
        send_notification_email.apply(args=[notice_for(person, url=url).pk])

    dutch, english = mailoutbox
    assert dutch.subject.startswith("Subject in nl")
    assert english.subject.startswith("Subject in en")
    assert dutch.extra_headers["Content-Language"] == "nl"
    assert english.extra_headers["Content-Language"] == "en"
    assert "https://testserver/challenges/42/" in dutch.body
    assert "https://testserver/en/challenges/42/" in english.body
    assert "https://testserver/en/notifications/unsubscribe/" in english.body
    assert "https://testserver/notifications/preferences/" in dutch.body
    assert "Open it on the site" in english.body
    assert 'lang="en"' in html_of(english)


def test_a_notice_without_a_link_points_to_the_notifications_list(mailoutbox, dutch_user):
    send_notification_email.apply(args=[notice_for(dutch_user, url="").pk])
    assert "https://testserver/notifications/" in mailoutbox[0].body


def test_the_task_run_twice_sends_one_email(mailoutbox, dutch_user):
    notification = notice_for(dutch_user)
    assert send_notification_email.apply(args=[notification.pk]).get() is True
    assert send_notification_email.apply(args=[notification.pk]).get() is False
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.parametrize("frequency", [Frequency.WEEKLY, Frequency.OFF])
def test_no_email_when_the_person_chose_weekly_or_off_before_it_was_sent(
    mailoutbox, dutch_user, frequency
):
    notification = notice_for(dutch_user)
    NotificationPreferenceFactory(user=dutch_user, kind=KIND, frequency=frequency)

    assert send_notification_email.apply(args=[notification.pk]).get() is False
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_no_email_for_a_notice_already_read_or_gone(mailoutbox, dutch_user):
    read = NotificationFactory(recipient=dutch_user, kind=KIND, read_at=timezone.now())
    assert send_notification_email.apply(args=[read.pk]).get() is False
    assert send_notification_email.apply(args=[read.pk + 1000]).get() is False
    assert mailoutbox == []


@override_settings(EMAIL_BACKEND="tests.notifications.backends.FailingOnceBackend")
def test_a_failed_send_releases_its_claim_so_the_retry_sends(mailoutbox, dutch_user):
    notification = notice_for(dutch_user)
    FailingOnceBackend.failures = 1

    # Eager `apply` runs Celery's retry at once: first attempt fails, the retry delivers.
    result = send_notification_email.apply(args=[notification.pk])

    assert result.get() is True
    assert FailingOnceBackend.failures == 0
    assert len(mailoutbox) == 1
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None


@override_settings(EMAIL_BACKEND="tests.notifications.backends.FailingOnceBackend")
def test_a_failed_send_leaves_the_notice_unclaimed(mailoutbox, dutch_user):
    import smtplib

    notification = notice_for(dutch_user)
    FailingOnceBackend.failures = 1
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.notification_email_send(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert mailoutbox == []
