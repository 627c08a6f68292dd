"""Planning activities and the calendar feed."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from apps.communities.ical import calendar_token, uid_host
from apps.communities.models import Activity
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from tests.communities.factories import ActivityFactory, CommunityMembershipFactory
from tests.mfa_helpers import sign_in

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def create_url(community):
    return reverse("communities:activity_create", args=[community.slug])


def form_data(**overrides):
    data = {
        "kind": "workshop",
        "title": "Datadag",
        "description": "We kijken samen naar de verkoopcijfers.",
        "starts_at": "2031-03-12T13:00",
        "ends_at": "2031-03-12T16:00",
        "location": "Bakkerij De Korenbloem, Gouda",
        "online_url": "",
    }
    data.update(overrides)
    return data


def test_coordinator_plans_an_activity_in_dutch_time_and_members_are_told(
    client, coordinator, member, community
):
    sign_in(client, coordinator)
    response = client.post(create_url(community), form_data())

    activity = Activity.objects.get(community=community)
    assert response.status_code == 302
    assert activity.starts_at == datetime.datetime(2031, 3, 12, 13, 0, tzinfo=AMSTERDAM)
    notice = Notification.objects.get(kind=NotificationKind.COMMUNITY_ACTIVITY)
    assert notice.recipient == member
    assert "Datadag" in notice.title
    assert notice.url.endswith(f"#activity-{activity.pk}")


def test_double_submit_plans_one_activity(client, coordinator, community):
    sign_in(client, coordinator)
    client.post(create_url(community), form_data())
    client.post(create_url(community), form_data())
    assert Activity.objects.filter(community=community).count() == 1
    assert Notification.objects.filter(kind=NotificationKind.COMMUNITY_ACTIVITY).count() == 1


def test_end_before_start_is_refused_next_to_the_field(client, coordinator, community):
    sign_in(client, coordinator)
    response = client.post(
        create_url(community), form_data(starts_at="2031-03-12T16:00", ends_at="2031-03-12T15:00")
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("ends_at")
    assert 'aria-describedby="id_ends_at_error' in response.text
    assert not Activity.objects.exists()


def test_a_place_or_an_online_link_is_required(client, coordinator, community):
    sign_in(client, coordinator)
    response = client.post(create_url(community), form_data(location="", online_url=""))
    assert response.context["form"].has_error("location")
    assert not Activity.objects.exists()

    online_only = form_data(location="", online_url="https://meet.example.nl/datadag")
    assert client.post(create_url(community), online_only).status_code == 302
    assert Activity.objects.get().online_url == "https://meet.example.nl/datadag"


def test_javascript_link_is_not_an_online_link(client, coordinator, community):
    sign_in(client, coordinator)
    response = client.post(
        create_url(community), form_data(location="", online_url="javascript:alert(1)")
    )
    assert response.context["form"].has_error("online_url")
    assert not Activity.objects.exists()


def test_editing_the_time_tells_members_and_removing_a_future_activity_cancels_it(
    client, coordinator, member, community
):
    activity = ActivityFactory(community=community, title="Datadag")
    sign_in(client, coordinator)
    edit = reverse("communities:activity_edit", args=[community.slug, activity.pk])

    assert client.get(edit).status_code == 200
    moved = form_data(starts_at="2031-04-01T10:00", ends_at="2031-04-01T12:00")
    client.post(edit, moved)
    activity.refresh_from_db()
    assert activity.starts_at == datetime.datetime(2031, 4, 1, 10, 0, tzinfo=AMSTERDAM)

    client.post(reverse("communities:activity_delete", args=[community.slug, activity.pk]))
    assert not Activity.objects.exists()
    titles = list(
        Notification.objects.filter(recipient=member, kind=NotificationKind.COMMUNITY_ACTIVITY)
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert len(titles) == 2


def test_page_lists_upcoming_and_past_activities(client, community):
    now = timezone.now()
    ActivityFactory(community=community, title="Straks", starts_at=now + datetime.timedelta(days=2))
    ActivityFactory(
        community=community,
        title="Vorige maand",
        starts_at=now - datetime.timedelta(days=30),
        ends_at=now - datetime.timedelta(days=30, hours=-2),
    )
    page = client.get(community.get_absolute_url()).context["page"]
    assert [a.title for a in page.upcoming_activities] == ["Straks"]
    assert [a.title for a in page.past_activities] == ["Vorige maand"]


# --- iCal -------------------------------------------------------------------------------------


def ical_url(community):
    return reverse("communities:ical", args=[community.slug])


def parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def test_feed_has_stable_uid_and_local_times(client, community):
    starts = datetime.datetime(2031, 7, 1, 14, 30, tzinfo=AMSTERDAM)
    activity = ActivityFactory(
        community=community,
        title="Zomerworkshop",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        location="Gouda",
        online_url="https://meet.example.nl/zomer",
    )

    calendar = parse(client.get(ical_url(community)))
    events = calendar.walk("VEVENT")

    assert len(events) == 1
    event = events[0]
    assert str(event["UID"]) == f"activity-{activity.pk}@{uid_host()}"
    assert uid_host()
    assert event.decoded("DTSTART") == starts
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("DTEND") == starts + datetime.timedelta(hours=2)
    assert "DTSTAMP" in event
    assert str(event["SUMMARY"]) == "Zomerworkshop"
    assert str(event["LOCATION"]) == "Gouda"
    assert str(event["URL"]) == "https://meet.example.nl/zomer"
    assert calendar.walk("VTIMEZONE")
    # The same activity keeps its UID in the next fetch.
    again = parse(client.get(ical_url(community))).walk("VEVENT")[0]
    assert str(again["UID"]) == str(event["UID"])


def test_online_only_activity_has_its_link_as_location(client, community):
    ActivityFactory(community=community, location="", online_url="https://meet.example.nl/x")
    event = parse(client.get(ical_url(community))).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "https://meet.example.nl/x"


def test_members_only_feed_needs_a_valid_personal_token(
    client, member, outsider, hidden_community, community
):
    ActivityFactory(community=hidden_community, title="Besloten sessie")
    url = ical_url(hidden_community)

    assert client.get(url).status_code == 404
    own = client.get(url, {"token": calendar_token(user=member, community=hidden_community)})
    assert len(parse(own).walk("VEVENT")) == 1
    assert client.get(url, {"token": "nonsense"}).status_code == 404
    other_community = calendar_token(user=member, community=community)
    assert client.get(url, {"token": other_community}).status_code == 404
    cannot_see = calendar_token(user=outsider, community=hidden_community)
    assert client.get(url, {"token": cannot_see}).status_code == 404


def test_token_stops_working_when_the_member_leaves(client, hidden_community):
    person = CommunityMembershipFactory(community=hidden_community).user
    token = calendar_token(user=person, community=hidden_community)
    assert client.get(ical_url(hidden_community), {"token": token}).status_code == 200
    hidden_community.memberships.filter(user=person).delete()
    assert client.get(ical_url(hidden_community), {"token": token}).status_code == 404


def test_members_only_page_offers_the_personal_feed(client, member, hidden_community):
    client.force_login(member)
    response = client.get(hidden_community.get_absolute_url())
    assert "calendar.ics?token=" in response.context["calendar_url"]
