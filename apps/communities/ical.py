"""A community's activities as an iCalendar feed (RFC 5545) that calendar apps subscribe to.

Each activity keeps its UID (`activity-<pk>@<site host>`) for as long as it exists, so a
calendar updates the event instead of adding a copy; DTSTAMP and LAST-MODIFIED are the time
the activity last changed, which is what a feed without METHOD is meant to carry. Times are
written in Europe/Amsterdam with its VTIMEZONE, so they stay right across daylight saving.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from icalendar import Calendar, Event

from .models import Activity, LearningCommunity

CALENDAR_TIME_ZONE = ZoneInfo("Europe/Amsterdam")
PRODUCT_ID = "-//AI Learning Communities//Community activities//NL"
TOKEN_SALT = "communities.ical"


def uid_host() -> str:
    """The site's own host name (not the request's), so UIDs do not change with the address
    a calendar app happens to use."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def activity_uid(activity: Activity) -> str:
    return f"activity-{activity.pk}@{uid_host()}"


def community_calendar(
    *, community: LearningCommunity, activities: Iterable[Activity], page_url: str
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", community.name)
    calendar.add("x-wr-timezone", str(CALENDAR_TIME_ZONE))
    for activity in activities:
        event = Event()
        event.add("uid", activity_uid(activity))
        event.add("dtstamp", activity.updated_at)
        event.add("created", activity.created_at)
        event.add("last-modified", activity.updated_at)
        event.add("dtstart", activity.starts_at.astimezone(CALENDAR_TIME_ZONE))
        if activity.ends_at is not None:
            event.add("dtend", activity.ends_at.astimezone(CALENDAR_TIME_ZONE))
        event.add("summary", activity.title)
        description = "\n\n".join(
            part for part in (activity.description, activity.online_url, page_url) if part
        )
        if description:
            event.add("description", description)
        if activity.location:
            event.add("location", activity.location)
        elif activity.online_url:
            event.add("location", activity.online_url)
        event.add("url", activity.online_url or page_url)
        event.add("categories", [str(activity.get_kind_display())])
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_token(*, user, community: LearningCommunity) -> str:
    """A personal secret for subscribing to a members-only community's calendar from an app
    that cannot sign in. It names the person; the feed checks on every fetch that they still
    may see the community, so leaving the community ends the subscription."""
    return signing.dumps({"u": user.pk, "c": community.pk}, salt=TOKEN_SALT, compress=True)


def calendar_token_user_id(token: str, *, community: LearningCommunity) -> int | None:
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("c") != community.pk:
        return None
    user_id = payload.get("u")
    return user_id if isinstance(user_id, int) else None
