"""What the notifications app holds about a person (privacy contract, see apps.accounts)."""

from typing import Any

from .models import Notification, NotificationPreference


def _timestamp(value) -> str | None:
    return value.isoformat() if value else None


def personal_data(user: Any) -> dict:
    notifications = Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    return {
        "notifications": [
            {
                "kind": notification.kind,
                "title": notification.title,
                "text": notification.body,
                "link": notification.url,
                "created_at": _timestamp(notification.created_at),
                "read_at": _timestamp(notification.read_at),
                "emailed_at": _timestamp(notification.emailed_at),
                "in_weekly_summary_at": _timestamp(notification.digested_at),
            }
            for notification in notifications
        ],
        "notification_preferences": dict(
            NotificationPreference.objects.filter(user=user)
            .order_by("kind")
            .values_list("kind", "frequency")
        ),
    }


def anonymise(user: Any) -> None:
    """Notices and preferences are only about the person: nothing to keep."""
    Notification.objects.filter(recipient=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
