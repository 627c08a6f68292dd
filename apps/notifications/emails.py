"""Email messages for notices: one per notice, or one weekly summary. Everything is rendered
in the recipient's preferred language, links are absolute and every message can be stopped
with one click (RFC 8058) for the kinds it is about."""

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .kinds import NotificationKind
from .links import absolute_url, localised_path, unsubscribe_url
from .models import Notification


def _language_of(person: Any) -> str:
    language = getattr(person, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _notice_link(notification: Notification, language: str) -> str:
    path = notification.url or reverse("notifications:list")
    return absolute_url(localised_path(path, language))


def _message(
    *, recipient: Any, language: str, template: str, context: dict, unsubscribe: str
) -> EmailMultiAlternatives:
    subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
    message = EmailMultiAlternatives(
        # A header must be one line; titles come from people's input.
        subject=" ".join(subject.split()),
        body=render_to_string(f"notifications/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": language,
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    language = _language_of(recipient)
    with translation.override(language):
        unsubscribe = unsubscribe_url(user_id=recipient.pk, kinds=[notification.kind])
        context = {
            "notification": notification,
            "kind_label": NotificationKind(notification.kind).label,
            "link": _notice_link(notification, language),
            "unsubscribe_url": unsubscribe,
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "site_name": settings.SITE_NAME,
            "site_url": absolute_url(reverse("portal:home")),
            "language": language,
        }
        return _message(
            recipient=recipient,
            language=language,
            template="notification",
            context=context,
            unsubscribe=unsubscribe,
        )


def digest_message(
    *, recipient: Any, notifications: Sequence[Notification]
) -> EmailMultiAlternatives:
    """One summary of several notices. Each kind in it gets its own unsubscribe link; the
    one-click header turns off all the kinds this summary is about."""
    language = _language_of(recipient)
    kinds = sorted({notification.kind for notification in notifications})
    with translation.override(language):
        items = [
            {
                "notification": notification,
                "kind_label": NotificationKind(notification.kind).label,
                "link": _notice_link(notification, language),
            }
            for notification in notifications
        ]
        stop_links = [
            {
                "kind_label": NotificationKind(kind).label,
                "url": unsubscribe_url(user_id=recipient.pk, kinds=[kind]),
            }
            for kind in kinds
        ]
        unsubscribe = unsubscribe_url(user_id=recipient.pk, kinds=kinds)
        context = {
            "items": items,
            "count": len(items),
            "stop_links": stop_links,
            "unsubscribe_url": unsubscribe,
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "list_url": absolute_url(reverse("notifications:list")),
            "site_name": settings.SITE_NAME,
            "site_url": absolute_url(reverse("portal:home")),
            "language": language,
        }
        return _message(
            recipient=recipient,
            language=language,
            template="digest",
            context=context,
            unsubscribe=unsubscribe,
        )
