import re

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from apps.notifications.kinds import NotificationKind
from apps.notifications.links import UNSUBSCRIBE_SALT, unsubscribe_token
from apps.notifications.models import Frequency, Notification, NotificationPreference
from tests.mfa_helpers import sign_in
from tests.notifications.factories import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:list")
MARK_ALL_URL = reverse("notifications:mark_all_read")
PREFERENCES_URL = reverse("notifications:preferences")
KIND = NotificationKind.CHALLENGE_PUBLISHED


def open_url(notification) -> str:
    return reverse("notifications:open", kwargs={"pk": notification.pk})


def unsubscribe_url(token: str, language: str = "nl") -> str:
    with translation.override(language):
        return reverse("notifications:unsubscribe", kwargs={"token": token})


def frequencies_of(person) -> dict[str, str]:
    return dict(NotificationPreference.objects.filter(user=person).values_list("kind", "frequency"))


def assert_redirects_to_login(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Anonymous visitors --------------------------------------------------------------------


def test_anonymous_is_sent_to_login_for_every_personal_page(client, member):
    notification = NotificationFactory(recipient=member)
    assert_redirects_to_login(client.get(LIST_URL))
    assert_redirects_to_login(client.get(open_url(notification)))
    assert_redirects_to_login(client.post(MARK_ALL_URL))
    assert_redirects_to_login(client.get(PREFERENCES_URL))
    assert_redirects_to_login(client.post(PREFERENCES_URL, {KIND: "off"}))
    notification.refresh_from_db()
    assert notification.read_at is None
    assert not NotificationPreference.objects.exists()


# --- The list ------------------------------------------------------------------------------


def test_member_sees_only_their_own_notifications_newest_first(client, member, outsider):
    older = NotificationFactory(recipient=member, title="Older")
    newer = NotificationFactory(recipient=member, title="Newer")
    NotificationFactory(recipient=outsider, title="Not for the member")
    client.force_login(member)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [newer, older]
    assert "Not for the member" not in response.text


@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator", "coordinator"])
def test_nobody_else_sees_a_members_notifications_in_their_list(client, member, persona, request):
    NotificationFactory(recipient=member, title="Private to the member")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == []
    assert "Private to the member" not in response.text


def test_unread_notices_are_marked_in_words_not_only_by_colour(client, member):
    NotificationFactory(recipient=member, title="Fresh news")
    NotificationFactory(recipient=member, title="Old news", read_at=timezone.now())
    client.force_login(member)

    response = client.get("/en" + LIST_URL)

    assert response.text.count('class="notification is-unread"') == 1
    assert response.text.count(">Unread</span>") == 1
    assert "You have 1 unread notification." in response.text


def test_list_is_paginated_by_twenty(client, member):
    NotificationFactory.create_batch(25, recipient=member)
    client.force_login(member)
    assert len(client.get(LIST_URL).context["page_obj"].object_list) == 20
    assert len(client.get(LIST_URL, {"page": 2}).context["page_obj"].object_list) == 5


def test_list_queries_do_not_grow_with_the_number_of_notifications(
    client, member, django_assert_max_num_queries
):
    NotificationFactory.create_batch(2, recipient=member)
    client.force_login(member)
    with django_assert_max_num_queries(8) as few:
        client.get(LIST_URL)
    NotificationFactory.create_batch(30, recipient=member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST_URL)
    assert len(response.context["page_obj"].object_list) == 20


def test_header_shows_the_unread_count(client, member):
    NotificationFactory.create_batch(3, recipient=member)
    client.force_login(member)
    response = client.get("/en" + LIST_URL)
    assert '<span class="badge">3<span class="visually-hidden"> unread</span></span>' in (
        response.text
    )


# --- Opening a notice ----------------------------------------------------------------------


def test_opening_a_notice_marks_it_read_and_follows_its_link(client, member):
    notification = NotificationFactory(recipient=member, url="/challenges/")
    client.force_login(member)

    response = client.get(open_url(notification))

    assert response.status_code == 302
    assert response.url == "/challenges/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_also_works_by_post_and_follows_the_readers_language(client, member):
    with translation.override("nl"):
        url = reverse("challenges:detail", kwargs={"pk": 7})
    notification = NotificationFactory(recipient=member, url=url)
    client.force_login(member)
    with translation.override("en"):
        response = client.post(reverse("notifications:open", kwargs={"pk": notification.pk}))
    assert response.url == "/en/challenges/7/"


@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator", "coordinator"])
def test_someone_elses_notice_is_404_and_stays_unread(client, member, persona, request):
    notification = NotificationFactory(recipient=member)
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(open_url(notification)).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("url", ["https://evil.example.com/", "//evil.example.com/", ""])
def test_a_notice_never_sends_the_reader_off_site(client, member, url):
    notification = NotificationFactory(recipient=member, url=url)
    client.force_login(member)
    assert client.get(open_url(notification)).url == LIST_URL


# --- Mark all as read ------------------------------------------------------------------------


def test_mark_all_as_read_marks_only_the_readers_own(client, member, outsider):
    NotificationFactory.create_batch(3, recipient=member)
    theirs = NotificationFactory(recipient=outsider)
    client.force_login(member)

    response = client.post(MARK_ALL_URL)

    assert response.status_code == 302
    assert response.url == LIST_URL
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_needs_a_post(client, member):
    NotificationFactory(recipient=member)
    client.force_login(member)
    assert client.get(MARK_ALL_URL).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


# --- Preferences -----------------------------------------------------------------------------


def test_preferences_page_has_one_fieldset_with_a_legend_per_kind(client, member):
    client.force_login(member)
    response = client.get("/en" + PREFERENCES_URL)
    assert response.status_code == 200
    assert response.text.count("<fieldset") == len(NotificationKind)
    assert response.text.count("<legend") == len(NotificationKind)
    assert response.text.count('type="radio"') == 3 * len(NotificationKind)
    assert re.search(r"<legend[^>]*>Your challenge was published</legend>", response.text)
    # Nothing stored yet: every kind shows the default, immediately.
    form = response.context["form"]
    assert {form[kind].initial for kind in NotificationKind.values} == {Frequency.IMMEDIATELY}


def test_preferences_are_saved_in_one_post_and_shown_again(client, member):
    client.force_login(member)
    choices = dict.fromkeys(NotificationKind.values, Frequency.IMMEDIATELY)
    choices[NotificationKind.NEW_MATCHES] = Frequency.WEEKLY
    choices[NotificationKind.COMMUNITY_UPDATE] = Frequency.OFF

    response = client.post("/en" + PREFERENCES_URL, choices, follow=True)
    client.post("/en" + PREFERENCES_URL, choices)  # a double submit changes nothing

    assert response.redirect_chain[-1][0] == "/en" + PREFERENCES_URL
    assert "Your email settings have been saved." in response.text
    assert frequencies_of(member) == choices
    assert NotificationPreference.objects.filter(user=member).count() == len(NotificationKind)
    form = client.get(PREFERENCES_URL).context["form"]
    assert form[NotificationKind.NEW_MATCHES].value() == Frequency.WEEKLY


def test_an_invalid_choice_is_shown_next_to_its_field_and_nothing_is_saved(client, member):
    client.force_login(member)
    choices = dict.fromkeys(NotificationKind.values, Frequency.OFF)
    choices[KIND] = "hourly"

    response = client.post(PREFERENCES_URL, choices)

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {KIND}
    assert 'aria-invalid="true"' in response.text
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_everyone_signed_in_edits_only_their_own_preferences(client, persona, request, member):
    person = request.getfixturevalue(persona)
    client.force_login(person)
    client.post(PREFERENCES_URL, dict.fromkeys(NotificationKind.values, Frequency.OFF))
    assert set(NotificationPreference.objects.values_list("user_id", flat=True)) == {person.pk}


# --- Unsubscribe -----------------------------------------------------------------------------


def test_unsubscribe_page_asks_first_and_changes_nothing_on_get(client, member):
    token = unsubscribe_token(user_id=member.pk, kinds=[KIND])
    response = client.get(unsubscribe_url(token, "en"))
    assert response.status_code == 200
    assert "Your challenge was published" in response.text
    assert PREFERENCES_URL in response.text
    assert frequencies_of(member) == {}


def test_unsubscribe_with_a_valid_token_turns_that_kind_off(client, member):
    NotificationPreferenceFactory(
        user=member, kind=NotificationKind.NEW_MATCHES, frequency=Frequency.WEEKLY
    )
    token = unsubscribe_token(user_id=member.pk, kinds=[KIND])

    response = client.post(unsubscribe_url(token), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "notifications:unsubscribe_done", kwargs={"token": token}
    )
    assert PREFERENCES_URL in response.text
    assert frequencies_of(member) == {KIND: Frequency.OFF, NotificationKind.NEW_MATCHES: "weekly"}


def test_one_click_unsubscribe_from_the_mail_client_works_without_login_or_csrf(member):
    from django.test import Client

    mail_client = Client(enforce_csrf_checks=True)
    token = unsubscribe_token(user_id=member.pk, kinds=[KIND, NotificationKind.NEW_MATCHES])

    response = mail_client.post(unsubscribe_url(token), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert frequencies_of(member) == {KIND: Frequency.OFF, NotificationKind.NEW_MATCHES: "off"}


def tampered(token: str) -> str:
    value, rest = token.split(":", 1)
    payload = signing.b64_decode(value.encode()).replace(b'"u":', b'"u":1')
    return signing.b64_encode(payload).decode() + ":" + rest


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(
            lambda person: tampered(unsubscribe_token(user_id=person.pk, kinds=[KIND])),
            id="tampered",
        ),
        pytest.param(
            lambda person: unsubscribe_token(user_id=person.pk, kinds=[KIND])[:-4], id="cut-short"
        ),
        pytest.param(
            lambda person: signing.dumps({"u": person.pk, "k": [KIND]}),
            id="signed-for-something-else",
        ),
        pytest.param(
            lambda person: signing.dumps({"u": person.pk, "k": ["spam"]}, salt=UNSUBSCRIBE_SALT),
            id="unknown-kind",
        ),
        pytest.param(
            lambda person: signing.dumps(
                {"u": person.pk + 999, "k": [KIND]}, salt=UNSUBSCRIBE_SALT
            ),
            id="no-such-person",
        ),
        pytest.param(lambda person: "nonsense", id="nonsense"),
    ],
)
def test_a_broken_unsubscribe_link_is_a_clear_400_and_changes_nothing(client, member, make_token):
    token = make_token(member)
    for response in (
        client.get(unsubscribe_url(token, "en")),
        client.post(unsubscribe_url(token, "en")),
        client.post(unsubscribe_url(token), {"List-Unsubscribe": "One-Click"}),
    ):
        assert response.status_code == 400
    page = client.get(unsubscribe_url(token, "en")).text
    assert "This unsubscribe link does not work" in page
    assert "Nothing has been changed." in page
    assert not NotificationPreference.objects.exists()
