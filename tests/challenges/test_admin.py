"""The review actions of the challenge admin go through the workflow service: allowed moves
happen, refused ones are reported and leave the challenge as it was."""

import pytest
from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from apps.challenges.models import ChallengeStatus
from apps.hubs.services import coordinator_group_ensure
from tests.challenges.factories import ChallengeFactory
from tests.mfa_helpers import login_with_second_factor
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    """URLs and labels in the default language, whatever an earlier test activated."""
    with translation.override("nl"):
        yield


CHANGELIST = "admin:challenges_challenge_changelist"


@pytest.fixture
def hub_coordinator(coordinator):
    coordinator.groups.add(coordinator_group_ensure())
    return coordinator


@pytest.fixture
def submitted(sme):
    return ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)


def run_action(client, action, challenges, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in challenges], **extra},
    )


def reported(response):
    """(level, text) of the messages shown after an action; tests look at levels and titles,
    so they hold in Dutch and English."""
    return [(message.level, str(message)) for message in get_messages(response.wsgi_request)]


def test_publish_action_publishes_a_submitted_challenge(client, hub_coordinator, submitted):
    login_with_second_factor(client, hub_coordinator)
    response = run_action(client, "publish_selected", [submitted])
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ChallengeStatus.PUBLISHED
    assert submitted.published_at is not None
    assert [level for level, _text in reported(response)] == [messages.SUCCESS]


def test_publish_action_reports_a_refused_transition_and_changes_nothing(
    client, hub_coordinator, sme, submitted
):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT, title="Nog bezig")
    login_with_second_factor(client, hub_coordinator)
    response = run_action(client, "publish_selected", [draft, submitted])
    assert response.status_code == 302
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert draft.status == ChallengeStatus.DRAFT
    assert submitted.status == ChallengeStatus.PUBLISHED
    (success, _done), (warning, refusal) = reported(response)
    assert (success, warning) == (messages.SUCCESS, messages.WARNING)
    assert "Nog bezig" in refusal
    assert submitted.title not in refusal


def test_reject_action_first_asks_for_a_reason(client, hub_coordinator, submitted):
    login_with_second_factor(client, hub_coordinator)
    response = run_action(client, "reject_selected", [submitted])
    assert response.status_code == 200
    assert "admin/challenges/challenge/reject_selected.html" in [
        template.name for template in response.templates
    ]
    assert submitted.title in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ChallengeStatus.SUBMITTED


def test_reject_action_refuses_an_empty_reason(client, hub_coordinator, submitted):
    login_with_second_factor(client, hub_coordinator)
    response = run_action(client, "reject_selected", [submitted], apply="yes", reason="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    submitted.refresh_from_db()
    assert submitted.status == ChallengeStatus.SUBMITTED


def test_reject_action_stores_the_reason(client, hub_coordinator, submitted):
    login_with_second_factor(client, hub_coordinator)
    reason = "Beschrijf welke gegevens jullie al verzamelen."
    response = run_action(client, "reject_selected", [submitted], apply="yes", reason=reason)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ChallengeStatus.REJECTED
    assert submitted.rejection_reason == reason
    assert [level for level, _text in reported(response)] == [messages.SUCCESS]


def test_close_action_closes_a_published_challenge(client, hub_coordinator, sme):
    published = ChallengeFactory(organisation=sme, status=ChallengeStatus.PUBLISHED)
    login_with_second_factor(client, hub_coordinator)
    run_action(client, "close_selected", [published])
    published.refresh_from_db()
    assert published.status == ChallengeStatus.CLOSED
    assert published.closed_at is not None


def test_actions_do_not_reach_another_regions_challenges(client, hub_coordinator):
    groningen = OrganisationFactory(kind_slug="sme", province_code="NL-GR")
    elsewhere = ChallengeFactory(
        organisation=groningen, province_code="NL-GR", status=ChallengeStatus.SUBMITTED
    )
    login_with_second_factor(client, hub_coordinator)
    run_action(client, "publish_selected", [elsewhere])
    elsewhere.refresh_from_db()
    assert elsewhere.status == ChallengeStatus.SUBMITTED


def test_status_is_shown_but_not_editable(client, hub_coordinator, submitted):
    login_with_second_factor(client, hub_coordinator)
    response = client.get(reverse("admin:challenges_challenge_change", args=[submitted.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "status" not in form.fields
    assert "rejection_reason" not in form.fields
