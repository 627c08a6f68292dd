"""Writes with a write-scope token: the pages' permission checks, validation, services (and so
their audit events and notifications), and the Idempotency-Key."""

import json
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from apps.api.models import IdempotentRequest
from apps.audit.models import AuditEvent
from apps.challenges.models import Challenge, ChallengeStatus
from apps.communities.models import CommunityMembership, CommunityStatus, JoinRequest
from apps.matching.models import IntroductionRequest, MatchStatus
from apps.notifications.models import Notification
from apps.organisations.models import Membership
from tests.api.conftest import bearer
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.matching.factories import MatchFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"


def post(client, path, body=None, *, secret=None, key=None, method="post", **extra):
    headers = dict(extra)
    if secret:
        headers.update(bearer(secret))
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return getattr(client, method)(
        ME + path,
        data=json.dumps(body if body is not None else {}),
        content_type="application/json",
        **headers,
    )


def draft_body(organisation, /, **overrides):
    body = {
        "organisation": organisation.slug,
        "title": "Minder verspilling in de bakkerij",
        "description": "We gooien elke dag brood weg: we weten niet hoeveel er verkocht wordt.",
        "learning_goals": "Onze bakkers willen leren werken met een voorspelling.",
        "topics": ["predictive-analytics"],
        "sectors": ["retail"],
        "formats": ["student-project"],
        "time_frame": Challenge.TimeFrame.WITHIN_6_MONTHS,
        "visibility": "public",
    }
    body.update(overrides)
    return body


def trail():
    """What a write leaves behind for others: notifications (kind, recipient) and audit
    events (action), to compare the API's with the page's."""
    return (
        sorted(Notification.objects.values_list("kind", "recipient_id")),
        sorted(AuditEvent.objects.values_list("action", flat=True)),
    )


def clear_trail():
    Notification.objects.all().delete()
    AuditEvent.objects.all().delete()


@pytest.fixture
def write(member, token_for):
    return token_for(member, scope="write")


# --- Creating a challenge --------------------------------------------------------------------


def test_member_creates_a_draft_for_their_organisation(client, member, sme, write):
    response = post(client, "/challenges", draft_body(sme), secret=write)
    assert response.status_code == 201, response.content
    body = response.json()
    challenge = Challenge.objects.get()
    assert body["id"] == challenge.pk
    assert body["status"] == ChallengeStatus.DRAFT
    assert body["topics"] == ["predictive-analytics"]
    assert body["sectors"] == ["retail"]
    assert body["province"] == "NL-ZH"  # the organisation's, as on the page
    assert challenge.created_by == member


def test_same_creation_token_returns_the_first_draft(client, sme, write):
    token = str(uuid.uuid4())
    first = post(client, "/challenges", draft_body(sme, creation_token=token), secret=write)
    again = post(client, "/challenges", draft_body(sme, creation_token=token), secret=write)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Challenge.objects.count() == 1


@pytest.mark.parametrize(
    "persona, status",
    [("anonymous", 401), ("read_token", 403), ("outsider", 403), ("other_hub_coordinator", 403)],
)
def test_only_members_with_a_write_token_create_challenges(
    client, sme, member, outsider, other_hub_coordinator, token_for, persona, status
):
    secret = {
        "anonymous": None,
        "read_token": token_for(member),
        "outsider": token_for(outsider, scope="write"),
        "other_hub_coordinator": token_for(other_hub_coordinator, scope="write"),
    }[persona]
    response = post(client, "/challenges", draft_body(sme), secret=secret)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert not Challenge.objects.exists()


def test_staff_token_gives_no_rights_over_an_organisation(client, sme, admin_user, token_for):
    response = post(
        client, "/challenges", draft_body(sme), secret=token_for(admin_user, scope="write")
    )
    assert response.status_code == 403
    assert not Challenge.objects.exists()


def test_education_member_cannot_post_a_challenge_for_its_hogeschool(client, token_for):
    hogeschool = OrganisationFactory(kind_slug="hbo")
    lecturer = MembershipFactory(organisation=hogeschool).user
    response = post(
        client,
        "/challenges",
        draft_body(hogeschool),
        secret=token_for(lecturer, scope="write"),
    )
    assert response.status_code == 403


def test_the_pages_validation_refuses_with_the_fields_named(client, sme, write):
    response = post(
        client,
        "/challenges",
        draft_body(sme, description="Te kort.", topics=["predictive-analytics", "no-such-topic"]),
        secret=write,
    )
    assert response.status_code == 422
    problem = response.json()
    assert {p["name"] for p in problem["invalid_params"]} == {"description", "topics"}
    assert problem["title"] == "Het verzoek kan niet worden verwerkt"
    assert not Challenge.objects.exists()


def test_unknown_organisation_is_refused_as_one_not_yours(client, sme, write):
    """Which organisations you may name depends on who you are, so the document cannot list
    them: a schema-valid slug that names none is refused as any other that is not yours."""
    response = post(
        client, "/challenges", draft_body(sme, organisation="bestaat-niet"), secret=write
    )
    assert response.status_code == 403
    assert "actief lid" in response.json()["detail"]
    assert not Challenge.objects.exists()


@pytest.mark.parametrize(
    "path, body",
    [
        ("/challenges", {"topics": ["nlp\x00"]}),
        ("/challenges", {"organisation": "x\x00y"}),
        ("/join-requests", {"community": "a\x00b"}),
    ],
)
def test_a_key_that_is_no_slug_is_refused_before_any_query(client, sme, write, path, body):
    """Found by the contract test: a NUL character in a key answered 500 (PostgreSQL refuses
    it in a query)."""
    full = {**draft_body(sme), **body} if path == "/challenges" else body
    response = post(client, path, full, secret=write)
    assert response.status_code == 400


def test_a_body_that_is_not_an_object_is_refused(client, sme, match, write):
    """Found by the contract test: `[null, null]` passed as an object with no fields."""
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    edit = post(client, f"/challenges/{draft.pk}", [None, None], secret=write, method="patch")
    ask = post(client, f"/matches/{match.pk}/introduction", [None], secret=write)
    assert (edit.status_code, ask.status_code) == (400, 400)
    assert not IntroductionRequest.objects.exists()


def test_body_that_does_not_fit_the_schema_is_400(client, sme, write):
    body = draft_body(sme)
    del body["title"]
    response = post(client, "/challenges", body, secret=write)
    assert response.status_code == 400
    assert "title" in {p["name"] for p in response.json()["invalid_params"]}


def test_create_query_count_does_not_grow_with_the_topics(
    client, sme, write, django_assert_max_num_queries
):
    with django_assert_max_num_queries(60) as few:
        post(client, "/challenges", draft_body(sme, topics=["predictive-analytics"]), secret=write)
    many = ["predictive-analytics", "time-series", "nlp", "speech", "optimisation"]
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = post(client, "/challenges", draft_body(sme, topics=many), secret=write)
    assert len(response.json()["topics"]) == len(many)


# --- Editing and submitting ------------------------------------------------------------------


def test_member_edits_only_the_fields_sent(client, sme, write):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT, topics=["nlp"])
    response = post(
        client,
        f"/challenges/{draft.pk}",
        {"title": "Een nieuwe titel"},
        secret=write,
        method="patch",
    )
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert draft.title == "Een nieuwe titel"
    assert response.json()["topics"] == ["nlp"]
    assert draft.description == ChallengeFactory._meta.declarations["description"]


def test_editing_a_rejected_challenge_makes_it_a_draft_again(client, sme, write):
    rejected = ChallengeFactory(
        organisation=sme, status=ChallengeStatus.REJECTED, rejection_reason="Te vaag."
    )
    response = post(
        client, f"/challenges/{rejected.pk}", {"title": "Beter"}, secret=write, method="patch"
    )
    assert response.json()["status"] == ChallengeStatus.DRAFT


def test_submitted_challenge_cannot_be_edited(client, sme, write):
    submitted = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    response = post(
        client, f"/challenges/{submitted.pk}", {"title": "Anders"}, secret=write, method="patch"
    )
    assert response.status_code == 409
    submitted.refresh_from_db()
    assert submitted.title != "Anders"


def test_edit_is_validated_like_the_page(client, sme, write):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    response = post(
        client, f"/challenges/{draft.pk}", {"description": "Kort"}, secret=write, method="patch"
    )
    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["description"]


@pytest.mark.parametrize(
    "persona, status_of_draft, status_of_published",
    [
        ("anonymous", 401, 401),
        ("read_token", 403, 403),
        # Another organisation's draft stays hidden; its published challenge is visible.
        ("outsider", 404, 403),
        ("other_hub_coordinator", 404, 403),
    ],
)
def test_who_may_edit_and_submit(
    client,
    sme,
    member,
    outsider,
    other_hub_coordinator,
    token_for,
    persona,
    status_of_draft,
    status_of_published,
):
    secret = {
        "anonymous": None,
        "read_token": token_for(member),
        "outsider": token_for(outsider, scope="write"),
        "other_hub_coordinator": token_for(other_hub_coordinator, scope="write"),
    }[persona]
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    published = ChallengeFactory(organisation=sme)
    for challenge, expected in ((draft, status_of_draft), (published, status_of_published)):
        edit = post(
            client, f"/challenges/{challenge.pk}", {"title": "X"}, secret=secret, method="patch"
        )
        submit = post(client, f"/challenges/{challenge.pk}/submit", secret=secret)
        assert (edit.status_code, submit.status_code) == (expected, expected)
    draft.refresh_from_db()
    assert (draft.title, draft.status) != ("X", ChallengeStatus.SUBMITTED)


def test_submit_tells_the_same_people_as_the_page(
    client, sme, member, coordinator, other_hub_coordinator, write
):
    by_page = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    by_api = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    client.force_login(member)
    client.post(reverse("challenges:submit", kwargs={"pk": by_page.pk}))
    client.logout()
    page_trail = trail()
    clear_trail()
    response = post(client, f"/challenges/{by_api.pk}/submit", secret=write)
    assert response.status_code == 200
    assert response.json()["status"] == ChallengeStatus.SUBMITTED
    assert trail() == page_trail
    assert coordinator.pk in {recipient for _kind, recipient in page_trail[0]}


def test_submit_without_topics_says_why(client, sme, write):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT, topics=["none"])
    draft.topics.clear()
    response = post(client, f"/challenges/{draft.pk}/submit", secret=write)
    # The request is fine; the draft's state is not yet (409, as for any refused move).
    assert response.status_code == 409
    assert response.json()["code"] == "topics_required"
    draft.refresh_from_db()
    assert draft.status == ChallengeStatus.DRAFT


def test_submitting_a_published_challenge_is_a_conflict(client, sme, write):
    published = ChallengeFactory(organisation=sme)
    response = post(client, f"/challenges/{published.pk}/submit", secret=write)
    assert response.status_code == 409


def test_a_submitted_challenge_is_taken_back_as_on_the_page(client, sme, member, write):
    by_page = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    by_api = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    client.force_login(member)
    client.post(reverse("challenges:withdraw", kwargs={"pk": by_page.pk}))
    client.logout()
    page_trail = trail()
    clear_trail()
    response = post(client, f"/challenges/{by_api.pk}/withdraw", secret=write)
    assert response.status_code == 200
    assert response.json()["status"] == ChallengeStatus.DRAFT
    assert trail() == page_trail
    by_page.refresh_from_db()
    assert by_page.status == ChallengeStatus.DRAFT


def test_only_a_challenge_under_review_can_be_taken_back(client, sme, write):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    response = post(client, f"/challenges/{draft.pk}/withdraw", secret=write)
    assert response.status_code == 409
    assert response.json()["code"] == "not_submitted"


@pytest.mark.parametrize(
    "persona, status",
    [("anonymous", 401), ("read_token", 403), ("outsider", 404), ("other_hub_coordinator", 404)],
)
def test_who_may_take_a_challenge_back(
    client, sme, member, outsider, other_hub_coordinator, token_for, persona, status
):
    secret = {
        "anonymous": None,
        "read_token": token_for(member),
        "outsider": token_for(outsider, scope="write"),
        "other_hub_coordinator": token_for(other_hub_coordinator, scope="write"),
    }[persona]
    submitted = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    response = post(client, f"/challenges/{submitted.pk}/withdraw", secret=secret)
    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.status == ChallengeStatus.SUBMITTED


# --- Shortlist and introduction --------------------------------------------------------------


@pytest.fixture
def partner_admin():
    partner = OrganisationFactory(name="Lectoraat Taaltechnologie", kind_slug="lectorate")
    return MembershipFactory(organisation=partner, role=Membership.Role.ADMIN).user


@pytest.fixture
def match(sme, partner_admin):
    partner = partner_admin.memberships.get().organisation
    return MatchFactory(challenge=ChallengeFactory(organisation=sme), organisation=partner)


def test_member_shortlists_and_takes_off_again(client, match, write):
    response = post(client, f"/matches/{match.pk}/shortlist", secret=write)
    assert response.status_code == 200
    assert response.json()["status"] == MatchStatus.SHORTLISTED
    response = post(client, f"/matches/{match.pk}/shortlist", secret=write, method="delete")
    assert response.json()["status"] == MatchStatus.SUGGESTED
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED


@pytest.mark.parametrize(
    "persona, status",
    [("anonymous", 401), ("read_token", 403), ("outsider", 403), ("other_hub_coordinator", 403)],
)
def test_only_the_challenges_members_act_on_its_matches(
    client, match, member, outsider, other_hub_coordinator, token_for, persona, status
):
    secret = {
        "anonymous": None,
        "read_token": token_for(member),
        "outsider": token_for(outsider, scope="write"),
        "other_hub_coordinator": token_for(other_hub_coordinator, scope="write"),
    }[persona]
    assert post(client, f"/matches/{match.pk}/shortlist", secret=secret).status_code == status
    response = post(client, f"/matches/{match.pk}/introduction", {"message": "Hoi"}, secret=secret)
    assert response.status_code == status
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED
    assert not IntroductionRequest.objects.exists()


def test_match_of_a_hidden_draft_is_not_found_for_others(client, sme, outsider, token_for):
    hidden = MatchFactory(
        challenge=ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    )
    secret = token_for(outsider, scope="write")
    assert post(client, f"/matches/{hidden.pk}/shortlist", secret=secret).status_code == 404


def test_introduction_is_asked_once_and_tells_the_same_people_as_the_page(
    client, sme, member, match, partner_admin, coordinator, write
):
    by_page = MatchFactory(
        challenge=ChallengeFactory(organisation=sme), organisation=match.organisation
    )
    client.force_login(member)
    client.post(
        reverse("matching:introduction_request", kwargs={"pk": by_page.pk}),
        {f"match-{by_page.pk}-message": "Zullen we praten?"},
    )
    client.logout()
    page_trail = trail()
    clear_trail()

    first = post(
        client, f"/matches/{match.pk}/introduction", {"message": "Zullen we praten?"}, secret=write
    )
    again = post(client, f"/matches/{match.pk}/introduction", {"message": "Nog eens"}, secret=write)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["message"] == "Zullen we praten?"
    assert trail() == page_trail
    assert {recipient for _kind, recipient in page_trail[0]} == {partner_admin.pk, coordinator.pk}
    match.refresh_from_db()
    assert match.status == MatchStatus.SHORTLISTED


def test_after_an_introduction_the_partner_stays_on_the_shortlist(client, match, write):
    post(client, f"/matches/{match.pk}/introduction", {}, secret=write)
    response = post(client, f"/matches/{match.pk}/shortlist", secret=write, method="delete")
    assert response.status_code == 409
    assert response.json()["code"] == "introduction_requested"


@pytest.mark.parametrize("method", ["post", "delete"])
def test_a_partner_the_hub_handles_is_a_conflict_not_a_bad_request(client, match, write, method):
    match.status = MatchStatus.CONTACTED
    match.save(update_fields=["status"])
    response = post(client, f"/matches/{match.pk}/shortlist", secret=write, method=method)
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed"
    match.refresh_from_db()
    assert match.status == MatchStatus.CONTACTED


def test_introduction_to_a_declined_partner_is_a_conflict(client, match, write):
    match.status = MatchStatus.DECLINED
    match.save(update_fields=["status"])
    response = post(client, f"/matches/{match.pk}/introduction", {}, secret=write)
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed"
    assert not IntroductionRequest.objects.exists()


def test_introduction_message_is_limited_like_the_page(client, match, write):
    response = post(
        client, f"/matches/{match.pk}/introduction", {"message": "x" * 2001}, secret=write
    )
    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["message"]
    assert not IntroductionRequest.objects.exists()


# --- Joining a community ---------------------------------------------------------------------


@pytest.fixture
def community(sme):
    community = LearningCommunityFactory(
        name="Minder verspillen", slug="minder-verspillen", status=CommunityStatus.ACTIVE
    )
    community.organisations.add(sme)
    return community


@pytest.fixture
def lecturer():
    return MembershipFactory(organisation=OrganisationFactory(kind_slug="hbo")).user


def test_join_request_takes_the_suggested_role_and_tells_the_same_people_as_the_page(
    client, community, lecturer, coordinator, token_for
):
    colleague = MembershipFactory(organisation=lecturer.memberships.get().organisation).user
    client.force_login(colleague)
    client.post(reverse("communities:join", args=[community.slug]), {"role": "lecturer"})
    client.logout()
    page_trail = trail()
    clear_trail()

    secret = token_for(lecturer, scope="write")
    first = post(client, "/join-requests", {"community": community.slug}, secret=secret)
    again = post(client, "/join-requests", {"community": community.slug}, secret=secret)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["role"] == CommunityMembership.Role.LECTURER
    assert first.json()["state"] == JoinRequest.State.PENDING
    assert again.json()["id"] == first.json()["id"]
    assert trail() == page_trail
    assert coordinator.pk in {recipient for _kind, recipient in page_trail[0]}


def test_join_request_without_a_single_organisation_needs_a_role(client, community, token_for):
    from tests.accounts.factories import UserFactory

    secret = token_for(UserFactory(), scope="write")
    response = post(client, "/join-requests", {"community": community.slug}, secret=secret)
    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid_params"]] == ["role"]
    response = post(
        client,
        "/join-requests",
        {"community": community.slug, "role": "coordinator"},
        secret=secret,
    )
    # Not a participant role: the document lists the roles, so this does not fit it.
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalid_params"]] == ["role"]
    assert not JoinRequest.objects.exists()


def test_a_pending_join_request_is_withdrawn_once(client, community, lecturer, token_for):
    secret = token_for(lecturer, scope="write")
    asked = post(client, "/join-requests", {"community": community.slug}, secret=secret)
    request_id = asked.json()["id"]
    first = post(client, f"/join-requests/{request_id}/withdraw", secret=secret)
    assert first.status_code == 200
    assert first.json()["state"] == JoinRequest.State.WITHDRAWN
    again = post(client, f"/join-requests/{request_id}/withdraw", secret=secret)
    assert again.status_code == 200
    assert JoinRequest.objects.get().state == JoinRequest.State.WITHDRAWN
    # Asked again afterwards, as on the page.
    anew = post(client, "/join-requests", {"community": community.slug}, secret=secret)
    assert anew.status_code == 201


def test_a_decided_join_request_cannot_be_withdrawn(client, community, lecturer, token_for):
    from apps.communities.services import join_request_decline

    secret = token_for(lecturer, scope="write")
    asked = post(client, "/join-requests", {"community": community.slug}, secret=secret)
    join = JoinRequest.objects.get(pk=asked.json()["id"])
    coordinator = CommunityMembershipFactory(
        community=community, role=CommunityMembership.Role.COORDINATOR
    ).user
    join_request_decline(join_request=join, by=coordinator)
    response = post(client, f"/join-requests/{join.pk}/withdraw", secret=secret)
    assert response.status_code == 409
    assert response.json()["code"] == "not_pending"


@pytest.mark.parametrize("persona, status", [("anonymous", 401), ("read_token", 403)])
def test_only_the_asker_withdraws_a_join_request(
    client, community, lecturer, member, token_for, persona, status
):
    asked = post(
        client,
        "/join-requests",
        {"community": community.slug},
        secret=token_for(lecturer, scope="write"),
    )
    url = f"/join-requests/{asked.json()['id']}/withdraw"
    secret = None if persona == "anonymous" else token_for(lecturer)
    assert post(client, url, secret=secret).status_code == status
    # Someone else's request is not found, whoever they are.
    assert post(client, url, secret=token_for(member, scope="write")).status_code == 404
    assert JoinRequest.objects.get().state == JoinRequest.State.PENDING


@pytest.mark.parametrize("persona, status", [("anonymous", 401), ("read_token", 403)])
def test_join_request_needs_a_write_token(client, community, lecturer, token_for, persona, status):
    secret = None if persona == "anonymous" else token_for(lecturer)
    response = post(client, "/join-requests", {"community": community.slug}, secret=secret)
    assert response.status_code == status
    assert not JoinRequest.objects.exists()


def test_members_only_community_stays_hidden_from_others(client, lecturer, token_for):
    hidden = LearningCommunityFactory(is_public=False)
    response = post(
        client,
        "/join-requests",
        {"community": hidden.slug},
        secret=token_for(lecturer, scope="write"),
    )
    assert response.status_code == 404


def test_member_of_the_community_gets_a_conflict(client, community, member, write):
    CommunityMembershipFactory(community=community, user=member)
    response = post(client, "/join-requests", {"community": community.slug}, secret=write)
    assert response.status_code == 409


def test_completed_community_takes_no_requests(client, community, lecturer, token_for):
    community.status = CommunityStatus.COMPLETED
    community.save()
    response = post(
        client,
        "/join-requests",
        {"community": community.slug},
        secret=token_for(lecturer, scope="write"),
    )
    assert response.status_code == 403


# --- Idempotency-Key -------------------------------------------------------------------------


def test_retry_with_the_same_key_replays_the_answer(client, sme, write):
    key = str(uuid.uuid4())
    first = post(client, "/challenges", draft_body(sme), secret=write, key=key)
    retry = post(client, "/challenges", draft_body(sme), secret=write, key=key)
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Challenge.objects.count() == 1


def test_same_key_with_another_body_is_refused(client, sme, write):
    key = str(uuid.uuid4())
    post(client, "/challenges", draft_body(sme), secret=write, key=key)
    response = post(
        client, "/challenges", draft_body(sme, title="Iets anders"), secret=write, key=key
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Challenge.objects.count() == 1


def test_same_key_on_another_path_is_refused(client, sme, match, write):
    key = str(uuid.uuid4())
    post(client, f"/matches/{match.pk}/shortlist", secret=write, key=key)
    response = post(client, f"/matches/{match.pk}/introduction", secret=write, key=key)
    assert response.status_code == 422
    assert not IntroductionRequest.objects.exists()


def test_a_refusal_is_not_kept_so_the_fixed_request_runs(client, sme, write):
    key = str(uuid.uuid4())
    refused = post(
        client, "/challenges", draft_body(sme, description="Kort"), secret=write, key=key
    )
    assert refused.status_code == 422
    fixed = post(client, "/challenges", draft_body(sme), secret=write, key=key)
    assert fixed.status_code == 201
    assert not fixed.has_header("Idempotent-Replayed")


def test_keys_belong_to_one_person(client, sme, member, token_for):
    other = MembershipFactory(organisation=sme).user
    key = "shared-key"
    mine = post(
        client, "/challenges", draft_body(sme), secret=token_for(member, scope="write"), key=key
    )
    theirs = post(
        client, "/challenges", draft_body(sme), secret=token_for(other, scope="write"), key=key
    )
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert Challenge.objects.count() == 2


def test_an_expired_key_runs_again(client, sme, write):
    from django.utils import timezone

    key = str(uuid.uuid4())
    post(client, "/challenges", draft_body(sme), secret=write, key=key)
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = post(client, "/challenges", draft_body(sme), secret=write, key=key)
    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert Challenge.objects.count() == 2


def test_purge_forgets_only_expired_answers(client, sme, write):
    from django.utils import timezone

    from apps.api.services import idempotent_requests_purge

    post(client, "/challenges", draft_body(sme), secret=write, key="old")
    post(client, "/challenges", draft_body(sme, title="Nieuw"), secret=write, key="new")
    IdempotentRequest.objects.filter(key="old").update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    assert idempotent_requests_purge() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]


def test_beat_purges_the_stored_answers_hourly(settings):
    from apps.api.tasks import purge_idempotent_requests

    entry = settings.CELERY_BEAT_SCHEDULE["api-idempotency-purge"]
    assert entry["task"] == purge_idempotent_requests.name
    assert purge_idempotent_requests.apply().get() == 0


def test_writes_without_a_key_keep_the_services_guards(client, match, write):
    for _ in range(2):
        post(client, f"/matches/{match.pk}/introduction", {"message": "Hoi"}, secret=write)
    assert IntroductionRequest.objects.count() == 1
    assert not IdempotentRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_do_the_work_once(sme, member, monkeypatch):
    """Two requests with the same key at once: the second waits for the first's answer."""
    import threading
    import time

    from django.db import connection
    from django.test import Client

    from apps.api.services import api_token_create
    from apps.challenges import services

    secret = api_token_create(user=member, name="t", scope="write").secret
    real_create = services.challenge_create
    calls = []

    def slow_create(**kwargs):
        calls.append(1)
        time.sleep(0.5)
        return real_create(**kwargs)

    monkeypatch.setattr(services, "challenge_create", slow_create)
    answers = []

    def send():
        try:
            answers.append(
                post(Client(), "/challenges", draft_body(sme), secret=secret, key="same")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201, 201]
    assert len(calls) == 1
    assert Challenge.objects.count() == 1
    assert sum(a.has_header("Idempotent-Replayed") for a in answers) == 1


@pytest.mark.parametrize("path, field", [("/challenges", "title"), ("/join-requests", "message")])
def test_a_lone_surrogate_in_the_body_is_a_clear_400_not_a_crash(
    client, sme, community, write, path, field
):
    """JSON can escape half of a UTF-16 pair; PostgreSQL cannot store such text (it was a
    500 before)."""
    body = draft_body(sme) if path == "/challenges" else {"community": community.slug}
    raw = json.dumps({**body, field: "PLACEHOLDER Brood over"}).replace("PLACEHOLDER", "\\ud800")
    response = client.post(ME + path, data=raw, content_type="application/json", **bearer(write))
    assert response.status_code == 400
    assert "surrogate" in response.json()["detail"]
    assert not Challenge.objects.exists()
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize("key", ["ab\x00cd", "sleutel-é", ""])
def test_an_idempotency_key_outside_printable_ascii_is_a_clear_400(client, sme, write, key):
    """A NUL in the key reached PostgreSQL, which cannot store it (a 500 before)."""
    response = post(
        client, "/challenges", draft_body(sme), secret=write, key=None, HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalid_params"]] == ["Idempotency-Key"]
    assert not Challenge.objects.exists()
    assert not IdempotentRequest.objects.exists()
