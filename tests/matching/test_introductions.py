"""Brokered introductions between a challenge's organisation and a matched partner, and the
notice about new partners after a matching run."""

import pytest
from django.urls import reverse

from apps.challenges.models import ChallengeStatus, Visibility
from apps.challenges.services import challenge_publish
from apps.matching import services
from apps.matching.models import IntroductionRequest, Match, MatchRun, MatchStatus
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.matching.factories import IntroductionRequestFactory, MatchFactory
from tests.mfa_helpers import sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db):
    return OrganisationFactory(name="Lectoraat Taaltechnologie", kind_slug="lectorate")


@pytest.fixture
def partner_admin(partner):
    return MembershipFactory(
        organisation=partner,
        role=Membership.Role.ADMIN,
        user=UserFactory(full_name="Prof. Karin Smit", email="karin@lectoraat.example"),
    ).user


@pytest.fixture
def partner_member(partner):
    return MembershipFactory(organisation=partner).user


@pytest.fixture
def requester(sme):
    return MembershipFactory(
        organisation=sme,
        user=UserFactory(full_name="Jan Bakker", email="jan@korenbloem.example"),
    ).user


@pytest.fixture
def match(sme, partner):
    return MatchFactory(challenge=ChallengeFactory(organisation=sme), organisation=partner)


def request_url(match):
    return reverse("matching:introduction_request", kwargs={"pk": match.pk})


def detail_url(introduction):
    return reverse("matching:introduction", kwargs={"pk": introduction.pk})


def decide_url(introduction):
    return reverse("matching:introduction_decide", kwargs={"pk": introduction.pk})


# --- Asking --------------------------------------------------------------------------------------


def test_double_post_makes_one_request_and_notifies_once(
    client, requester, match, partner_admin, partner_member, coordinator, other_hub_coordinator
):
    client.force_login(requester)
    data = {f"match-{match.pk}-message": "Wij willen graag kennismaken."}
    client.post(request_url(match), data)
    client.post(request_url(match), data)
    introduction = IntroductionRequest.objects.get()
    assert (introduction.requested_by, introduction.message) == (
        requester,
        "Wij willen graag kennismaken.",
    )
    notified = set(
        Notification.objects.filter(kind=NotificationKind.INTRODUCTION_REQUESTED).values_list(
            "recipient", flat=True
        )
    )
    assert notified == {partner_admin.pk, coordinator.pk}
    assert Notification.objects.count() == 2
    match.refresh_from_db()
    assert match.status == MatchStatus.SHORTLISTED  # safe from recomputes


def test_the_notice_to_the_partner_does_not_name_the_person(
    client, requester, match, partner_admin
):
    client.force_login(requester)
    client.post(request_url(match))
    notice = Notification.objects.get(recipient=partner_admin)
    assert requester.full_name not in notice.title + notice.body
    assert requester.email not in notice.title + notice.body
    assert notice.url == detail_url(IntroductionRequest.objects.get())


def test_too_long_message_is_shown_next_to_the_field(client, requester, match):
    client.force_login(requester)
    response = client.post(request_url(match), {f"match-{match.pk}-message": "x" * 2001})
    assert response.status_code == 400
    assert f'id="id_match-{match.pk}-message_error"' in response.text
    assert not IntroductionRequest.objects.exists()


def test_no_introductions_for_a_challenge_that_is_closed(client, requester, match):
    match.challenge.status = ChallengeStatus.CLOSED
    match.challenge.save()
    client.force_login(requester)
    client.post(request_url(match))
    assert not IntroductionRequest.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 403), ("other_hub_coordinator", 403), ("coordinator", 403)],
)
def test_only_the_organisation_asks(client, request, match, persona, expected):
    sign_in(client, request.getfixturevalue(persona))
    assert client.post(request_url(match)).status_code == expected
    assert not IntroductionRequest.objects.exists()


def test_asking_about_a_hidden_challenge_is_404(client, outsider, sme, partner):
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    match = MatchFactory(challenge=challenge, organisation=partner)
    client.force_login(outsider)
    assert client.post(request_url(match)).status_code == 404


def test_anonymous_cannot_ask(client, match):
    assert client.post(request_url(match)).status_code == 302
    assert not IntroductionRequest.objects.exists()


# --- The introduction page: brokered contact -----------------------------------------------------


@pytest.fixture
def introduction(match, requester):
    match.status = MatchStatus.SHORTLISTED
    match.save()
    return IntroductionRequestFactory(match=match, requested_by=requester, message="Hallo!")


def test_partner_sees_challenge_and_message_but_not_who_asked(client, introduction, partner_member):
    client.force_login(partner_member)
    response = client.get(detail_url(introduction))
    assert response.status_code == 200
    assert introduction.match.challenge.title in response.text
    assert "Hallo!" in response.text
    assert "jan@korenbloem.example" not in response.text
    assert "Jan Bakker" not in response.text


def test_after_acceptance_both_sides_see_each_others_contact(
    client, introduction, partner_admin, requester
):
    client.force_login(partner_admin)
    response = client.post(decide_url(introduction), {"decision": "accept"})
    assert response.url == detail_url(introduction)
    introduction.refresh_from_db()
    assert introduction.state == IntroductionRequest.State.ACCEPTED
    assert introduction.decided_by == partner_admin and introduction.decided_at
    partner_view = client.get(detail_url(introduction)).text
    assert "jan@korenbloem.example" in partner_view and "Jan Bakker" in partner_view
    client.force_login(requester)
    asking_view = client.get(detail_url(introduction)).text
    assert "karin@lectoraat.example" in asking_view and "Prof. Karin Smit" in asking_view
    introduction.match.refresh_from_db()
    assert introduction.match.status == MatchStatus.CONTACTED


def test_the_requester_is_told_about_the_decision(client, introduction, partner_admin, requester):
    client.force_login(partner_admin)
    client.post(decide_url(introduction), {"decision": "decline"})
    introduction.refresh_from_db()
    assert introduction.state == IntroductionRequest.State.DECLINED
    notice = Notification.objects.get(recipient=requester)
    assert notice.kind == NotificationKind.INTRODUCTION_DECIDED
    assert "Lectoraat Taaltechnologie" in notice.title
    # Declined: nothing is shared.
    assert "jan@korenbloem.example" not in client.get(detail_url(introduction)).text


def test_a_decision_is_made_once(client, introduction, partner_admin):
    client.force_login(partner_admin)
    client.post(decide_url(introduction), {"decision": "accept"})
    client.post(decide_url(introduction), {"decision": "decline"})
    introduction.refresh_from_db()
    assert introduction.state == IntroductionRequest.State.ACCEPTED


@pytest.mark.parametrize("persona", ["partner_member", "requester", "coordinator"])
def test_only_the_partners_administrators_decide(client, request, introduction, persona):
    sign_in(client, request.getfixturevalue(persona))
    assert client.post(decide_url(introduction), {"decision": "accept"}).status_code == 403
    introduction.refresh_from_db()
    assert introduction.state == IntroductionRequest.State.REQUESTED


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("requester", 200),
        ("member", 200),
        ("partner_member", 200),
        ("coordinator", 200),
        ("programme_coordinator", 200),
        ("outsider", 404),
        ("other_hub_coordinator", 404),
    ],
)
def test_who_sees_an_introduction(client, request, introduction, persona, expected):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(detail_url(introduction)).status_code == expected
    assert client.post(decide_url(introduction)).status_code in (403, 404)


def test_coordinator_and_the_asking_side_always_know_who_asked(client, introduction, coordinator):
    sign_in(client, coordinator)
    assert "jan@korenbloem.example" in client.get(detail_url(introduction)).text


def test_anonymous_is_sent_to_log_in_for_an_introduction(client, introduction):
    response = client.get(detail_url(introduction))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_matches_page_shows_the_state_of_the_introduction(client, introduction, requester):
    client.force_login(requester)
    response = client.get(
        "/en" + reverse("challenges:matches", kwargs={"pk": introduction.match.challenge_id})
    )
    assert "waiting for the partner" in response.text
    assert detail_url(introduction) in response.text
    assert request_url(introduction.match) not in response.text


# --- New partners after a matching run -----------------------------------------------------------


@pytest.fixture
def suppliers(db):
    return [
        OrganisationFactory(kind_slug="hbo", province_code="NL-ZH", topics=["nlp"]),
        OrganisationFactory(kind_slug="innovation-lab", province_code="NL-UT", topics=["nlp"]),
    ]


def run_here(run):
    return services.match_run_process_here(run=run, token="test")


def new_match_notices():
    return Notification.objects.filter(kind=NotificationKind.NEW_MATCHES)


def test_publishing_run_notifies_the_organisation_once(sme, member, suppliers):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED, topics=["nlp"])
    challenge_publish(challenge=challenge)
    run = MatchRun.objects.get()
    run_here(run)
    assert Match.objects.filter(challenge=challenge).count() == 2
    notice = new_match_notices().get()
    assert notice.recipient == member
    assert notice.dedupe_key == f"challenge-{challenge.pk}-run-{run.pk}"
    assert notice.url == reverse("challenges:matches", kwargs={"pk": challenge.pk})
    # The same chunk again (a redelivered task) and a rerun with nothing new: no new notice.
    services.match_chunk_process(chunk_id=run.chunks.get().pk, token="test")
    run_here(services.match_run_for_challenge(challenge_id=challenge.pk, trigger="edit"))
    assert new_match_notices().count() == 1


def test_a_new_supplier_in_the_top_notifies_again(sme, member, suppliers):
    challenge = ChallengeFactory(organisation=sme, topics=["nlp"])
    run_here(services.match_run_for_challenge(challenge_id=challenge.pk))
    newcomer = OrganisationFactory(kind_slug="hbo", province_code="NL-ZH", topics=["nlp"])
    run_here(services.match_run_for_supplier(organisation_id=newcomer.pk))
    assert new_match_notices().count() == 2


def test_full_recompute_notifies_no_one(sme, member, suppliers):
    ChallengeFactory(organisation=sme, topics=["nlp"])
    run = run_here(services.match_run_full())
    assert run.matches_written == 2
    assert not new_match_notices().exists()


def test_a_new_partner_below_the_top_is_not_news(sme, member, settings):
    challenge = ChallengeFactory(organisation=sme, topics=["nlp"], province_code="NL-ZH")
    for _ in range(3):
        OrganisationFactory(kind_slug="hbo", province_code="NL-ZH", topics=["nlp"])
    run_here(services.match_run_for_challenge(challenge_id=challenge.pk))
    assert new_match_notices().count() == 1
    far = OrganisationFactory(kind_slug="hbo", province_code="NL-LI", topics=["nlp"])
    run_here(services.match_run_for_supplier(organisation_id=far.pk))
    assert Match.objects.filter(challenge=challenge, organisation=far, rank=4).exists()
    assert new_match_notices().count() == 1


# --- Privacy -------------------------------------------------------------------------------------


def test_privacy_export_and_anonymise_cover_introductions(introduction, requester, partner_admin):
    import json

    from apps.matching import privacy

    services.introduction_request_decide(introduction=introduction, accept=True, by=partner_admin)
    asked = json.loads(json.dumps(privacy.personal_data(requester)))["introduction_requests"]
    answered = privacy.personal_data(partner_admin)["introduction_requests"]
    assert asked[0]["asked_by_you"] and asked[0]["message"] == "Hallo!"
    assert answered[0]["answered_by_you"] and answered[0]["message"] == ""

    privacy.anonymise(requester)
    privacy.anonymise(partner_admin)
    introduction.refresh_from_db()
    assert introduction.requested_by is None and introduction.decided_by is None
    assert introduction.state == IntroductionRequest.State.ACCEPTED  # the record stays


def test_who_may_read_an_introduction_is_its_queryset_s_visible_to_per_persona(
    match, requester, partner_member, coordinator, other_hub_coordinator, outsider
):
    """`IntroductionRequest.objects.visible_to`, like every model people see: both sides'
    members and the region's coordinator; not another organisation, another hub or a
    visitor."""
    from django.contrib.auth.models import AnonymousUser

    introduction = IntroductionRequestFactory(match=match, requested_by=requester)

    def sees(user) -> bool:
        return IntroductionRequest.objects.visible_to(user).filter(pk=introduction.pk).exists()

    assert sees(requester) and sees(partner_member) and sees(coordinator)
    assert not sees(other_hub_coordinator)
    assert not sees(outsider)
    assert not sees(AnonymousUser())
