"""Creating notices. Other apps call `notify` inside their own transaction; it writes the rows
and leaves delivery (email now, weekly digest or nothing) to the person's preferences."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import translation

from .kinds import NotificationKind
from .models import Notification

User = get_user_model()

TextBuilder = Callable[[Any], tuple[str, str]]


def notify(
    *,
    recipients: Iterable[Any],
    kind: NotificationKind | str,
    text: TextBuilder,
    url: str = "",
    dedupe_key: str = "",
    exclude: Any = None,
) -> list[Notification]:
    """Notify each recipient once about one event.

    `text(recipient)` returns `(title, body)`. It runs with the recipient's preferred language
    active, so it should build the strings with `gettext` (not `gettext_lazy`).
    `dedupe_key` names the event (say `f"challenge-{pk}-published"`): a second call with the
    same kind and key for the same person creates nothing. `exclude` (a user) is left out,
    typically the person who caused the event.
    """
    kind = NotificationKind(kind)
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    if exclude is not None:
        people.pop(exclude.pk, None)
    if not people:
        return []
    if dedupe_key:
        already = Notification.objects.filter(
            recipient_id__in=people, kind=kind, dedupe_key=dedupe_key
        ).values_list("recipient_id", flat=True)
        for recipient_id in already:
            people.pop(recipient_id, None)
        if not people:
            return []
    rows = []
    for person in people.values():
        with translation.override(person.preferred_language or "nl"):
            title, body = text(person)
        rows.append(
            Notification(
                recipient=person,
                kind=kind,
                title=str(title)[:300],
                body=str(body),
                url=url,
                dedupe_key=dedupe_key,
            )
        )
    if dedupe_key:
        # A concurrent call may have stored the same notice since the check above; the
        # constraint keeps one, and PostgreSQL returns no ids here, so reload what is stored.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(
            Notification.objects.filter(recipient_id__in=people, kind=kind, dedupe_key=dedupe_key)
        )
    else:
        created = Notification.objects.bulk_create(rows)
    _after_notify(created)
    return created


def _after_notify(notifications: list[Notification]) -> None:
    """Hook for delivery; the email and digest delivery replaces this (issue 4)."""
