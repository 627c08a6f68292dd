"""The organisation's status page, submitting and withdrawing, and showing interest from the
challenge page."""

import pytest
from django.urls import reverse

from apps.challenges.models import ChallengeInterest, ChallengeStatus, Visibility
from apps.challenges.services import challenge_reject
from apps.notifications.models import Notification
from apps.taxonomy.models import AITopic
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory, ChallengeInterestFactory
from tests.mfa_helpers import sign_in
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def url(name, challenge):
    return reverse(f"challenges:{name}", kwargs={"pk": challenge.pk})


# --- Status page ---------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in_for_the_status_page(client, sme):
    challenge = ChallengeFactory(organisation=sme)
    response = client.get(url("status", challenge))
    assert response.status_code == 302 and reverse("account_login") in response.url


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("member", 200),
        ("coordinator", 200),
        ("programme_coordinator", 200),
        ("outsider", 404),
        ("other_hub_coordinator", 404),
    ],
)
def test_status_page_of_a_submitted_challenge(client, request, sme, persona, expected):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(url("status", challenge)).status_code == expected


@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator"])
def test_status_page_of_a_public_challenge_is_403_for_people_who_only_read_it(
    client, request, sme, persona
):
    challenge = ChallengeFactory(organisation=sme)
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(url("status", challenge)).status_code == 403


def test_status_page_marks_the_current_step_in_text_not_only_colour(client, member, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    client.force_login(member)
    response = client.get("/en" + url("status", challenge))
    steps = response.context["steps"]
    assert [step["state"] for step in steps] == ["done", "current", "todo", "todo", "todo"]
    assert response.text.count('aria-current="step"') == 1
    assert "current step: waiting for review" in response.text
    assert response.context["can_withdraw"] and not response.context["can_edit"]


def test_status_page_of_a_rejected_challenge_shows_the_reason_and_the_next_step(
    client, member, sme, coordinator
):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    challenge_reject(challenge=challenge, reason="Beschrijf de huidige werkwijze.", by=coordinator)
    client.force_login(member)
    response = client.get("/en" + url("status", challenge))
    assert "Beschrijf de huidige werkwijze." in response.text
    assert "current step: changes needed" in response.text
    assert response.context["can_edit"] and response.context["can_submit"]
    assert url("edit", challenge) in response.text


def test_coordinator_sees_the_status_but_no_member_actions(client, sme):
    from apps.hubs.models import Hub
    from apps.hubs.services import hub_coordinator_add
    from tests.accounts.factories import UserFactory

    # Set up as the hub admin does it (staff, and the group that may review in the admin).
    coordinator = UserFactory()
    hub_coordinator_add(hub=Hub.objects.get(slug="zuid-holland"), user=coordinator)
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    sign_in(client, coordinator)
    response = client.get(url("status", challenge))
    assert not response.context["can_withdraw"]
    assert reverse("admin:challenges_challenge_change", args=[challenge.pk]) in response.text


# --- Submit and withdraw -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 404), ("other_hub_coordinator", 404), ("coordinator", 404)],
)
def test_only_members_may_submit_a_draft(client, request, sme, persona, expected):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    sign_in(client, request.getfixturevalue(persona))
    assert client.post(url("submit", challenge)).status_code == expected
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DRAFT


def test_anonymous_cannot_submit(client, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    assert client.post(url("submit", challenge)).status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DRAFT


def test_member_submits_from_the_status_page(client, member, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    client.force_login(member)
    assert client.get(url("submit", challenge)).status_code == 405
    response = client.post(url("submit", challenge))
    assert response.url == url("status", challenge)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED


def test_submitting_without_topics_sends_the_member_to_the_form(client, member, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    challenge.topics.clear()
    client.force_login(member)
    response = client.post(url("submit", challenge))
    assert response.url == url("edit", challenge)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DRAFT


def test_member_withdraws_a_submitted_challenge(client, member, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    client.force_login(member)
    client.post(url("withdraw", challenge))
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DRAFT
    client.post(url("withdraw", challenge))  # twice: nothing more happens
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DRAFT


def test_outsider_cannot_withdraw(client, outsider, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.PUBLISHED)
    client.force_login(outsider)
    assert client.post(url("withdraw", challenge)).status_code == 403


# --- The challenge page --------------------------------------------------------------------------


def test_challenge_page_links_members_to_their_pages(client, member, sme):
    challenge = ChallengeFactory(organisation=sme)
    client.force_login(member)
    response = client.get(url("detail", challenge))
    for name in ("status", "edit", "matches"):
        assert url(name, challenge) in response.text
    assert url("interest", challenge) not in response.text


def test_challenge_page_links_the_regions_coordinator_to_status_and_matches(
    client, coordinator, sme
):
    challenge = ChallengeFactory(organisation=sme)
    sign_in(client, coordinator)
    response = client.get(url("detail", challenge))
    assert url("status", challenge) in response.text
    assert url("matches", challenge) in response.text
    assert url("edit", challenge) not in response.text


def test_challenge_page_offers_interest_to_others_and_login_to_visitors(client, outsider, sme):
    challenge = ChallengeFactory(organisation=sme)
    anonymous = client.get(url("detail", challenge))
    assert reverse("account_login") + "?next=" in anonymous.text
    assert url("status", challenge) not in anonymous.text
    client.force_login(outsider)
    response = client.get(url("detail", challenge))
    assert url("interest", challenge) in response.text
    assert url("status", challenge) not in response.text


def test_no_interest_in_a_challenge_that_is_not_published(client, coordinator, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    sign_in(client, coordinator)
    response = client.get(url("detail", challenge))
    assert url("interest", challenge) not in response.text
    client.post(url("interest", challenge))
    assert not ChallengeInterest.objects.exists()


# --- Interest ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in_to_show_interest(client, sme):
    challenge = ChallengeFactory(organisation=sme)
    response = client.post(url("interest", challenge))
    assert response.status_code == 302 and reverse("account_login") in response.url
    assert not ChallengeInterest.objects.exists()


def test_outsider_gets_404_for_interest_in_a_hidden_challenge(client, outsider, sme):
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    client.force_login(outsider)
    assert client.post(url("interest", challenge)).status_code == 404
    assert not ChallengeInterest.objects.exists()


def test_other_hub_coordinator_gets_404_for_a_hub_only_challenge(
    client, other_hub_coordinator, sme
):
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    sign_in(client, other_hub_coordinator)
    assert client.post(url("interest", challenge)).status_code == 404


def test_members_cannot_be_interested_in_their_own_challenge(client, member, sme):
    challenge = ChallengeFactory(organisation=sme)
    client.force_login(member)
    assert client.post(url("interest", challenge)).status_code == 403
    assert not ChallengeInterest.objects.exists()


def test_interest_is_recorded_once_and_the_page_says_so(client, outsider, sme, member):
    challenge = ChallengeFactory(organisation=sme)
    client.force_login(outsider)
    data = {"message": "Onze studenten kunnen helpen."}
    client.post(url("interest", challenge), data)
    client.post(url("interest", challenge), data)
    interest = ChallengeInterest.objects.get()
    assert (interest.user, interest.message) == (outsider, "Onze studenten kunnen helpen.")
    assert Notification.objects.filter(recipient=member).count() == 1
    response = client.get("/en" + url("detail", challenge))
    assert "You expressed interest on" in response.text
    assert url("interest_withdraw", challenge) in response.text


def test_too_long_message_is_refused_next_to_the_field(client, outsider, sme):
    challenge = ChallengeFactory(organisation=sme)
    client.force_login(outsider)
    response = client.post(url("interest", challenge), {"message": "x" * 1001})
    assert response.status_code == 200
    assert 'id="id_message_error"' in response.text
    assert not ChallengeInterest.objects.exists()


def test_interest_can_be_withdrawn(client, outsider, sme):
    challenge = ChallengeFactory(organisation=sme)
    ChallengeInterestFactory(challenge=challenge, user=outsider)
    other = ChallengeInterestFactory(challenge=challenge)
    client.force_login(outsider)
    client.post(url("interest_withdraw", challenge))
    assert list(ChallengeInterest.objects.all()) == [other]


def test_lecturer_with_expertise_can_show_interest_in_a_members_only_challenge(client, sme):
    lecturer = UserFactory()
    lecturer.expertise_topics.set(AITopic.objects.filter(slug="nlp"))
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.MEMBERS)
    client.force_login(lecturer)
    client.post(url("interest", challenge))
    assert ChallengeInterest.objects.filter(user=lecturer, challenge=challenge).exists()


def test_member_of_another_organisation_of_the_region_sees_interest_state_only_for_themselves(
    client, sme
):
    challenge = ChallengeFactory(organisation=sme)
    first, second = (MembershipFactory().user for _ in range(2))
    ChallengeInterestFactory(challenge=challenge, user=first)
    client.force_login(second)
    response = client.get(url("detail", challenge))
    assert response.context["interest"] is None


# --- Privacy -------------------------------------------------------------------------------------


def test_privacy_export_and_anonymise_cover_challenges_and_interests(member, outsider, sme):
    import json

    from apps.challenges import privacy
    from apps.challenges.models import Challenge

    written = ChallengeFactory(organisation=sme, created_by=member)
    ChallengeInterestFactory(challenge=written, user=outsider, message="Wij helpen graag.")
    assert (
        json.loads(json.dumps(privacy.personal_data(member)))["challenges_created"][0]["title"]
        == written.title
    )
    assert privacy.personal_data(outsider)["interests"][0]["message"] == "Wij helpen graag."

    privacy.anonymise(member)
    privacy.anonymise(outsider)
    assert Challenge.objects.get(pk=written.pk).created_by is None  # the challenge stays
    assert not ChallengeInterest.objects.exists()
