"""The member side of matching: a challenge's matched partners with reasons and the shortlist,
and the lecturer's "for you" page."""

import html

import pytest
from django.urls import reverse
from django.utils import translation

from apps.challenges.models import ChallengeStatus, Visibility
from apps.matching.models import MatchStatus
from apps.matching.reasons import reason_texts, taxonomy_labels
from apps.taxonomy.models import AITopic, Province
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory, ChallengeInterestFactory
from tests.matching.factories import IntroductionRequestFactory, MatchFactory
from tests.mfa_helpers import sign_in
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

REASONS = [
    {"code": "shared_topics", "params": {"topics": ["nlp"], "related": ["speech"]}},
    {"code": "region", "params": {"relation": "same_province"}},
    {"code": "shared_sectors", "params": {"sectors": ["retail"]}},
    {"code": "shared_formats", "params": {"formats": ["student-project"]}},
]


def matches_url(challenge):
    return reverse("challenges:matches", kwargs={"pk": challenge.pk})


def shortlist_url(match):
    return reverse("matching:match_shortlist", kwargs={"pk": match.pk})


@pytest.fixture
def challenge(sme):
    return ChallengeFactory(organisation=sme, topics=["nlp"])


@pytest.fixture
def match(challenge):
    partner = OrganisationFactory(name="Hogeschool Leiden", kind_slug="hbo", province_code="NL-ZH")
    return MatchFactory(challenge=challenge, organisation=partner, score=0.82, reasons=REASONS)


# --- Who sees the matches page -------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, challenge):
    response = client.get(matches_url(challenge))
    assert response.status_code == 302 and reverse("account_login") in response.url


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("member", 200),
        ("coordinator", 200),
        ("programme_coordinator", 200),
        ("outsider", 403),
        ("other_hub_coordinator", 403),
    ],
)
def test_matches_page_of_a_public_challenge(client, request, challenge, persona, expected):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(matches_url(challenge)).status_code == expected


@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator"])
def test_matches_page_of_a_hub_only_challenge_is_hidden_outside_the_region(
    client, request, sme, persona
):
    challenge = ChallengeFactory(organisation=sme, visibility=Visibility.HUB)
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(matches_url(challenge)).status_code == 404


def test_draft_has_no_matches_yet(client, member, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    MatchFactory(challenge=challenge)
    client.force_login(member)
    response = client.get(matches_url(challenge))
    assert response.status_code == 200
    assert response.context["rows"] == []


# --- What it shows -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_partners_are_shown_with_their_reasons_in_the_readers_language(
    client, member, match, language
):
    with translation.override(language):
        expected = reason_texts(REASONS, taxonomy_labels())
        page_url = matches_url(match.challenge)
    client.force_login(member)
    response = client.get(page_url)
    assert response.context["rows"][0]["reasons"] == expected
    for text in expected:
        assert html.escape(text) in response.text
    assert "Hogeschool Leiden" in response.text
    assert "82%" in response.text


def test_reasons_differ_between_dutch_and_english(client, member, match):
    with translation.override("nl"):
        dutch = reason_texts(REASONS, taxonomy_labels())
    with translation.override("en"):
        english = reason_texts(REASONS, taxonomy_labels())
    assert dutch != english
    dutch_url = matches_url(match.challenge)
    client.force_login(member)
    assert html.escape(english[0]) in client.get("/en" + dutch_url).text
    assert html.escape(dutch[0]) in client.get(dutch_url).text


def test_declined_and_person_matches_are_left_out_and_best_comes_first(client, member, challenge):
    best = MatchFactory(challenge=challenge, score=0.9, rank=1)
    second = MatchFactory(challenge=challenge, score=0.6, rank=2)
    MatchFactory(challenge=challenge, score=0.95, rank=3, status=MatchStatus.DECLINED)
    MatchFactory(challenge=challenge, organisation=None, person=UserFactory(), score=0.99)
    client.force_login(member)
    rows = client.get(matches_url(challenge)).context["rows"]
    assert [row["match"] for row in rows] == [best, second]


def test_interests_are_shown_to_the_organisation(client, member, challenge):
    lecturer = UserFactory(full_name="Dr. Anne de Vries")
    ChallengeInterestFactory(challenge=challenge, user=lecturer, message="Graag!")
    client.force_login(member)
    text = client.get(matches_url(challenge)).text
    assert "Dr. Anne de Vries" in text and lecturer.email in text and "Graag!" in text


def test_coordinator_sees_matches_without_shortlist_buttons(client, coordinator, match):
    sign_in(client, coordinator)
    response = client.get(matches_url(match.challenge))
    assert response.context["rows"]
    assert shortlist_url(match) not in response.text


def test_matches_page_query_count_does_not_grow_with_rows(
    client, member, challenge, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            match = MatchFactory(challenge=challenge, reasons=REASONS)
            IntroductionRequestFactory(match=match)
            ChallengeInterestFactory(challenge=challenge)

    client.force_login(member)
    add(2)
    with django_assert_max_num_queries(20) as few:
        client.get(matches_url(challenge))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(matches_url(challenge))
    assert len(response.context["rows"]) == 12


# --- Shortlist -----------------------------------------------------------------------------------


def test_member_shortlists_and_removes_again(client, member, match):
    client.force_login(member)
    response = client.post(shortlist_url(match), {"shortlisted": "1"})
    assert response.url == matches_url(match.challenge) + f"#match-{match.pk}"
    match.refresh_from_db()
    assert match.status == MatchStatus.SHORTLISTED
    assert match.status_changed_by == member
    client.post(shortlist_url(match), {"shortlisted": "0"})
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED


def test_member_cannot_change_what_the_hub_decided(client, member, match):
    match.status = MatchStatus.CONTACTED
    match.save()
    client.force_login(member)
    client.post(shortlist_url(match), {"shortlisted": "0"})
    match.refresh_from_db()
    assert match.status == MatchStatus.CONTACTED


def test_partner_asked_for_an_introduction_stays_on_the_shortlist(client, member, match):
    match.status = MatchStatus.SHORTLISTED
    match.save()
    IntroductionRequestFactory(match=match, requested_by=member)
    client.force_login(member)
    client.post(shortlist_url(match), {"shortlisted": "0"})
    match.refresh_from_db()
    assert match.status == MatchStatus.SHORTLISTED


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 403), ("other_hub_coordinator", 403), ("coordinator", 403)],
)
def test_only_members_shortlist(client, request, match, persona, expected):
    sign_in(client, request.getfixturevalue(persona))
    assert client.post(shortlist_url(match), {"shortlisted": "1"}).status_code == expected
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED


def test_shortlisting_a_hidden_challenges_match_is_404(client, outsider, sme):
    match = MatchFactory(challenge=ChallengeFactory(organisation=sme, visibility=Visibility.HUB))
    client.force_login(outsider)
    assert client.post(shortlist_url(match), {"shortlisted": "1"}).status_code == 404


def test_anonymous_cannot_shortlist(client, match):
    assert client.post(shortlist_url(match), {"shortlisted": "1"}).status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED


# --- For you -------------------------------------------------------------------------------------

FOR_YOU_URL = reverse("matching:for_you")


@pytest.fixture
def lecturer(db):
    person = UserFactory(province=Province.objects.get(code="NL-ZH"))
    person.expertise_topics.set(AITopic.objects.filter(slug="nlp"))
    return person


def test_anonymous_is_sent_to_log_in_for_for_you(client):
    response = client.get(FOR_YOU_URL)
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_without_expertise_the_page_asks_for_it(client):
    client.force_login(UserFactory())  # no expertise, and no organisation that posts challenges
    response = client.get(FOR_YOU_URL)
    assert response.status_code == 200
    assert response.context["has_expertise"] is False
    assert response.context["rows"] == []
    assert reverse("accounts:profile") in response.text


def test_lecturer_with_nlp_expertise_sees_the_nlp_challenge_with_reasons(client, lecturer, sme):
    nlp = ChallengeFactory(organisation=sme, topics=["nlp"], title="Mails automatisch sorteren")
    ChallengeFactory(organisation=sme, topics=["visual-inspection"], title="Scheuren vinden")
    ChallengeFactory(organisation=sme, topics=["nlp"], status=ChallengeStatus.DRAFT)
    client.force_login(lecturer)
    response = client.get("/en" + FOR_YOU_URL)
    rows = response.context["rows"]
    assert [(row["kind"], row["item"]) for row in rows] == [("challenge", nlp)]
    assert "Same AI topics: Natural language processing" in rows[0]["reasons"]
    assert "In the same province" in rows[0]["reasons"]
    assert "Mails automatisch sorteren" in response.text
    assert "Scheuren vinden" not in response.text


def test_for_you_shows_the_state_of_my_interest(client, lecturer, sme):
    challenge = ChallengeFactory(organisation=sme, topics=["nlp"])
    ChallengeInterestFactory(challenge=challenge, user=lecturer)
    client.force_login(lecturer)
    response = client.get("/en" + FOR_YOU_URL)
    assert response.context["rows"][0]["interest"].user == lecturer
    assert "You expressed interest on" in response.text


def test_for_you_respects_visibility(client, sme):
    lecturer_far = UserFactory(province=Province.objects.get(code="NL-GR"))
    lecturer_far.expertise_topics.set(AITopic.objects.filter(slug="nlp"))
    ChallengeFactory(organisation=sme, topics=["nlp"], visibility=Visibility.HUB)
    client.force_login(lecturer_far)
    assert client.get(FOR_YOU_URL).context["rows"] == []


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_for_you_is_open_to_every_signed_in_person(client, request, persona):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(FOR_YOU_URL).status_code == 200


def test_for_you_query_count_does_not_grow_with_results(
    client, lecturer, sme, django_assert_max_num_queries
):
    from tests.communities.factories import LearningCommunityFactory

    def add(count):
        for _ in range(count):
            challenge = ChallengeFactory(organisation=sme, topics=["nlp", "speech"])
            ChallengeInterestFactory(challenge=challenge, user=lecturer)
            community = LearningCommunityFactory()
            community.challenges.add(challenge)

    client.force_login(lecturer)
    add(2)
    with django_assert_max_num_queries(40) as few:
        first = client.get(FOR_YOU_URL)
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(FOR_YOU_URL)
    assert len(first.context["rows"]) == 4
    assert len(response.context["rows"]) == 20  # top 20 of 12 challenges and 12 communities
    assert {row["kind"] for row in response.context["rows"]} == {"challenge", "community"}
