"""The review queue in the admin: submitted challenges of the coordinator's hubs, the longest
waiting first, published or rejected (with a reason) through the workflow service, which
notifies the organisation and writes the audit trail. Another hub's coordinator sees none of
it, also when guessing ids."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone, translation

from apps.audit.models import AuditAction, AuditEvent
from apps.challenges.models import ChallengeStatus
from apps.hubs.services import hub_coordinator_add
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.taxonomy.models import AITopic
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.hubs.factories import hub
from tests.mfa_helpers import login_with_second_factor
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

QUEUE = "admin:challenges_challengetoreview_changelist"
QUEUE_ITEM = "admin:challenges_challengetoreview_change"


def queue_url() -> str:
    return reverse(QUEUE)


def make_hub_coordinator(hub_slug: str):
    user = UserFactory()
    hub_coordinator_add(hub=hub(hub_slug), user=user)
    return user


@pytest.fixture
def zh_coordinator(db):
    return make_hub_coordinator("zuid-holland")


@pytest.fixture
def nn_coordinator(db):
    return make_hub_coordinator("noord-nederland")


def submitted(organisation, *, days_ago: float, **kwargs):
    return ChallengeFactory(
        organisation=organisation,
        status=ChallengeStatus.SUBMITTED,
        submitted_at=timezone.now() - timedelta(days=days_ago),
        **kwargs,
    )


def run_action(client, action, challenges, **extra):
    return client.post(
        queue_url(), {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in challenges], **extra}
    )


# --- What the queue lists ----------------------------------------------------------------------


def test_queue_lists_submitted_challenges_of_my_hubs_oldest_first(client, zh_coordinator, sme):
    newest = submitted(sme, days_ago=1)
    oldest = submitted(sme, days_ago=9)
    middle = submitted(sme, days_ago=4)
    ChallengeFactory(organisation=sme, status=ChallengeStatus.PUBLISHED)
    ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    groningen = OrganisationFactory(province_code="NL-GR")
    submitted(groningen, days_ago=20, province_code="NL-GR")
    login_with_second_factor(client, zh_coordinator)

    response = client.get(queue_url())

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [oldest, middle, newest]
    assert "admin/challenges/challengetoreview/change_list.html" in [
        t.name for t in response.templates
    ]
    choices = response.context["action_form"].fields["action"].choices
    assert [name for name, _label in choices if name] == ["publish_selected", "reject_selected"]


def test_queue_shows_organisation_province_waiting_days_and_topics(client, zh_coordinator, sme):
    submitted(sme, days_ago=3, title="Voorraad voorspellen", topics=["nlp", "computer-vision"])
    login_with_second_factor(client, zh_coordinator)

    with translation.override("en"):
        page = client.get(queue_url()).content.decode()

    row = page.split("Voorraad voorspellen", 1)[1].split("</tr>", 1)[0]
    assert sme.name in row
    assert sme.province.name_en in row
    assert "3 days" in row
    for topic in AITopic.objects.filter(slug__in=["nlp", "computer-vision"]):
        assert topic.name_en in row


def test_queue_page_costs_the_same_for_many_rows(
    client, zh_coordinator, sme, django_assert_max_num_queries
):
    for days in range(25):
        submitted(sme, days_ago=days, topics=["nlp", "computer-vision"])
    login_with_second_factor(client, zh_coordinator)
    client.get(queue_url())  # warm the session and content-type caches

    with django_assert_max_num_queries(12):
        response = client.get(queue_url())

    assert len(response.context["cl"].result_list) == 25


def test_other_hubs_coordinator_sees_an_empty_queue_and_no_challenge_page(
    client, nn_coordinator, sme
):
    challenge = submitted(sme, days_ago=2)
    login_with_second_factor(client, nn_coordinator)

    assert list(client.get(queue_url()).context["cl"].result_list) == []
    response = client.get(reverse(QUEUE_ITEM, args=[challenge.pk]))
    # The admin's answer for an object outside the queryset: back to the index, "not found".
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_other_hubs_coordinator_cannot_publish_by_guessing_ids(client, nn_coordinator, sme):
    challenge = submitted(sme, days_ago=2)
    login_with_second_factor(client, nn_coordinator)

    run_action(client, "publish_selected", [challenge])

    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_people_without_staff_access_do_not_reach_the_queue(client, request, persona, sme):
    challenge = submitted(sme, days_ago=2)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(queue_url())
    run_action(client, "publish_selected", [challenge])

    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED


def test_anonymous_is_sent_to_login(client):
    response = client.get(queue_url())
    assert response.status_code == 302
    assert "login" in response.url


def test_the_admin_index_shows_how_many_challenges_wait(
    client, zh_coordinator, nn_coordinator, sme
):
    submitted(sme, days_ago=5)
    submitted(sme, days_ago=1)
    login_with_second_factor(client, zh_coordinator)
    with translation.override("en"):
        page = client.get(reverse("admin:index")).content.decode()
        assert "2 challenges in your region wait for review." in page
        assert f'href="{queue_url()}"' in page

    login_with_second_factor(client, nn_coordinator)
    with translation.override("en"):
        page = client.get(reverse("admin:index")).content.decode()
    assert "No challenges wait for review in your region." in page


# --- Decisions -----------------------------------------------------------------------------------


def test_bulk_publish_publishes_notifies_the_sme_and_writes_audit_rows(
    client, zh_coordinator, sme, member
):
    first, second = submitted(sme, days_ago=3), submitted(sme, days_ago=2)
    login_with_second_factor(client, zh_coordinator)

    response = run_action(client, "publish_selected", [first, second])

    assert response.status_code == 302
    for challenge in (first, second):
        challenge.refresh_from_db()
        assert challenge.status == ChallengeStatus.PUBLISHED
    assert (
        Notification.objects.filter(
            recipient=member, kind=NotificationKind.CHALLENGE_PUBLISHED
        ).count()
        == 2
    )
    events = AuditEvent.objects.filter(action=AuditAction.CHALLENGE_PUBLISHED)
    assert {(e.object_id, e.actor_id) for e in events} == {
        (str(first.pk), zh_coordinator.pk),
        (str(second.pk), zh_coordinator.pk),
    }
    assert all(e.before == {"status": "submitted"} for e in events)
    assert all(e.after == {"status": "published"} for e in events)


def test_after_publishing_the_message_links_to_the_match_review(client, zh_coordinator, sme):
    challenge = submitted(sme, days_ago=3)
    login_with_second_factor(client, zh_coordinator)

    response = run_action(client, "publish_selected", [challenge])

    page = client.get(response.url).content.decode()
    assert reverse("admin:matching_match_review", args=[challenge.pk]) in page


def test_reject_asks_for_a_reason_then_rejects_notifies_and_audits(
    client, zh_coordinator, sme, member
):
    challenge = submitted(sme, days_ago=3)
    login_with_second_factor(client, zh_coordinator)

    asked = run_action(client, "reject_selected", [challenge])
    assert asked.status_code == 200
    assert "admin/challenges/challenge/reject_selected.html" in [t.name for t in asked.templates]
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED

    reason = "Beschrijf welke gegevens jullie al hebben."
    done = run_action(client, "reject_selected", [challenge], apply="yes", reason=reason)

    assert done.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.REJECTED
    assert challenge.rejection_reason == reason
    notice = Notification.objects.get(recipient=member, kind=NotificationKind.CHALLENGE_REJECTED)
    assert reason in notice.body
    event = AuditEvent.objects.get(action=AuditAction.CHALLENGE_REJECTED)
    assert event.actor == zh_coordinator
    assert event.before == {"status": "submitted"}
    assert event.after == {"status": "rejected", "reason": reason}


def test_the_challenge_page_is_read_only_with_publish_and_reject_buttons(
    client, zh_coordinator, sme
):
    challenge = submitted(sme, days_ago=3, title="Klantvragen sorteren")
    login_with_second_factor(client, zh_coordinator)
    url = reverse(QUEUE_ITEM, args=[challenge.pk])

    page = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Klantvragen sorteren" in html
    assert 'name="_save"' not in html
    assert 'value="publish_selected"' in html
    assert 'value="reject_selected"' in html
    assert client.post(url, {"title": "Iets anders"}).status_code == 403
    challenge.refresh_from_db()
    assert challenge.title == "Klantvragen sorteren"


def test_the_publish_button_of_the_challenge_page_publishes_it(client, zh_coordinator, sme):
    challenge = submitted(sme, days_ago=3)
    login_with_second_factor(client, zh_coordinator)

    # What the button's form posts.
    client.post(queue_url(), {"action": "publish_selected", ACTION_CHECKBOX_NAME: challenge.pk})

    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED
    assert AuditEvent.objects.filter(
        action=AuditAction.CHALLENGE_PUBLISHED, object_id=str(challenge.pk)
    ).exists()


def test_programme_coordinator_sees_every_hubs_queue(client, programme_coordinator, sme):
    zh = submitted(sme, days_ago=3)
    gr = submitted(OrganisationFactory(province_code="NL-GR"), days_ago=1, province_code="NL-GR")
    login_with_second_factor(client, programme_coordinator)

    response = client.get(queue_url())

    assert list(response.context["cl"].result_list) == [zh, gr]
