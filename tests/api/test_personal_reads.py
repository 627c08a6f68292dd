"""Personal reads: only the token's own person's things, whoever asks."""

import pytest

from apps.challenges.models import ChallengeStatus
from tests.api.conftest import bearer
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.matching.factories import MatchFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_my_notifications_never_show_another_persons(client, member, outsider, token_for):
    mine = NotificationFactory(recipient=member)
    NotificationFactory(recipient=outsider)
    body = client.get("/api/v1/me/notifications", **bearer(token_for(member))).json()
    assert [n["id"] for n in body["results"]] == [mine.pk]


def test_my_challenges_include_drafts_and_matches_with_reasons(client, member, sme, token_for):
    draft = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    published = ChallengeFactory(organisation=sme)
    MatchFactory(
        challenge=published,
        reasons=[{"code": "shared_topics", "params": {"topics": ["predictive-analytics"]}}],
    )
    ChallengeFactory(province_code="NL-GR")  # another organisation's
    secret = token_for(member)
    dutch = client.get("/api/v1/me/challenges", **bearer(secret)).json()
    english = client.get(
        "/api/v1/me/challenges", HTTP_ACCEPT_LANGUAGE="en", **bearer(secret)
    ).json()
    assert {c["id"] for c in dutch["results"]} == {draft.pk, published.pk}
    match_nl = next(c for c in dutch["results"] if c["id"] == published.pk)["matches"][0]
    match_en = next(c for c in english["results"] if c["id"] == published.pk)["matches"][0]
    assert match_nl["reasons"] == [
        {"code": "shared_topics", "params": {"topics": ["predictive-analytics"]}}
    ]
    assert match_en["reason_texts"] == ["Same AI topics: Predictive analytics"]
    assert match_nl["reason_texts"] == ["Zelfde AI-onderwerpen: Voorspellende analyse"]


def test_outsider_does_not_get_my_challenges(client, sme, outsider, token_for):
    ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    body = client.get("/api/v1/me/challenges", **bearer(token_for(outsider))).json()
    assert body["results"] == []


def test_my_organisations_and_communities(client, member, sme, token_for):
    community = LearningCommunityFactory(is_public=False)
    CommunityMembershipFactory(community=community, user=member)
    secret = token_for(member)
    orgs = client.get("/api/v1/me/organisations", **bearer(secret)).json()["results"]
    assert [o["organisation"]["slug"] for o in orgs] == [sme.slug]
    mine = client.get("/api/v1/me/communities", **bearer(secret)).json()["results"]
    assert [c["community"]["slug"] for c in mine] == [community.slug]


def test_for_you_answers_for_a_token(client, member, token_for):
    response = client.get("/api/v1/me/for-you", **bearer(token_for(member)))
    assert response.status_code == 200
    assert isinstance(response.json(), list)


@pytest.mark.parametrize("path", ["challenges", "notifications", "communities", "organisations"])
def test_personal_list_query_count_does_not_grow(
    client, member, sme, token_for, path, django_assert_max_num_queries
):
    from tests.organisations.factories import MembershipFactory, OrganisationFactory

    def grow(count):
        for _ in range(count):
            if path == "challenges":
                MatchFactory(challenge=ChallengeFactory(organisation=sme))
            elif path == "notifications":
                NotificationFactory(recipient=member)
            elif path == "communities":
                CommunityMembershipFactory(community=LearningCommunityFactory(), user=member)
            else:
                MembershipFactory(user=member, organisation=OrganisationFactory())

    secret = token_for(member)
    grow(2)
    with django_assert_max_num_queries(30) as few:
        client.get(f"/api/v1/me/{path}", **bearer(secret))
    grow(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(f"/api/v1/me/{path}", **bearer(secret)).json()
    assert body["count"] >= 12
