"""A community's activities (meetings, workshops, visits): planned, changed and cancelled,
with a notice to the members when the planning changes."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify

from ..models import (
    Activity,
    LearningCommunity,
)
from ..selectors import (
    community_member_users,
)
from .common import community_lock, moment_text

ACTIVITY_FIELDS = ("kind", "title", "description", "starts_at", "ends_at", "location", "online_url")


# A change in any of these means people may have to plan differently: tell them.
ACTIVITY_PLANNING_FIELDS = ("starts_at", "ends_at", "location", "online_url")


def _activity_summary(activity: Activity) -> str:
    where = ", ".join(part for part in (activity.location, activity.online_url) if part)
    return _("%(when)s, %(where)s") % {"when": moment_text(activity.starts_at), "where": where}


def _notify_members_of_activity(
    activity: Activity, *, by: User | None, title_text: str, dedupe_key: str
) -> None:
    community = activity.community

    def text(person):
        return (
            _(title_text) % {"community": community.name, "title": activity.title},
            _activity_summary(activity),
        )

    notify(
        recipients=community_member_users(community=community),
        kind=NotificationKind.COMMUNITY_ACTIVITY,
        text=text,
        url=notice_path(
            "communities:detail", fragment=f"activity-{activity.pk}", slug=community.slug
        ),
        dedupe_key=dedupe_key,
        exclude=by,
    )


# Marked for translation here, translated per recipient in `_notify_members_of_activity`.
NEW_ACTIVITY_TITLE = gettext_noop("New in %(community)s: %(title)s")


CHANGED_ACTIVITY_TITLE = gettext_noop("Changed in %(community)s: %(title)s")


CANCELLED_ACTIVITY_TITLE = gettext_noop("Cancelled in %(community)s: %(title)s")


@transaction.atomic
def activity_create(
    *,
    community: LearningCommunity,
    by: User | None,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None,
    description: str = "",
    location: str = "",
    online_url: str = "",
) -> tuple[Activity, bool]:
    """Plan an activity and tell the members. The same title at the same start in the same
    community is the same activity (a double submit)."""
    community = community_lock(community)
    existing = Activity.objects.filter(
        community=community, title=title.strip(), starts_at=starts_at
    ).first()
    if existing is not None:
        return existing, False
    activity = Activity(
        community=community,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip(),
        online_url=online_url.strip(),
    )
    activity.full_clean()
    activity.save()
    _notify_members_of_activity(
        activity, by=by, title_text=NEW_ACTIVITY_TITLE, dedupe_key=f"activity-{activity.pk}"
    )
    return activity, True


@transaction.atomic
def activity_change(
    *,
    activity: Activity,
    by: User | None,
    kind: str,
    title: str,
    starts_at: datetime,
    ends_at: datetime | None,
    description: str = "",
    location: str = "",
    online_url: str = "",
) -> Activity:
    locked = Activity.objects.select_for_update().select_related("community").get(pk=activity.pk)
    before = {name: getattr(locked, name) for name in ACTIVITY_PLANNING_FIELDS}
    locked.kind = kind
    locked.title = title.strip()
    locked.description = description.strip()
    locked.starts_at = starts_at
    locked.ends_at = ends_at
    locked.location = location.strip()
    locked.online_url = online_url.strip()
    locked.full_clean()
    locked.save()
    moved = any(getattr(locked, name) != value for name, value in before.items())
    if moved and locked.starts_at >= timezone.now():
        _notify_members_of_activity(
            locked,
            by=by,
            title_text=CHANGED_ACTIVITY_TITLE,
            dedupe_key=f"activity-{locked.pk}-changed-{locked.updated_at.timestamp():.0f}",
        )
    activity.__dict__.update({name: getattr(locked, name) for name in (*ACTIVITY_FIELDS,)})
    return locked


@transaction.atomic
def activity_delete(*, activity: Activity, by: User | None) -> None:
    """Remove an activity; if it was still to come, tell the members it is cancelled."""
    locked = Activity.objects.select_for_update().select_related("community").get(pk=activity.pk)
    if locked.starts_at >= timezone.now():
        _notify_members_of_activity(
            locked,
            by=by,
            title_text=CANCELLED_ACTIVITY_TITLE,
            dedupe_key=f"activity-{locked.pk}-cancelled",
        )
    locked.delete()
