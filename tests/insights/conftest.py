"""A small region built by hand, with the figures the insights must show for it worked out
in the docstring of `region` (the tests assert those exact numbers)."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from apps.challenges.models import Challenge, ChallengeStatus
from apps.communities.models import CommunityMembership, CommunityStatus
from apps.hubs.models import Hub
from apps.knowledge.models import KnowledgeItem
from apps.matching.models import MatchStatus
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.knowledge.factories import KnowledgeItemFactory
from tests.matching.factories import MatchFactory
from tests.organisations.factories import OrganisationFactory

NOW = timezone.now()


def days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def published(province: str, topics: list[str], *, days: float, **kwargs) -> Challenge:
    return ChallengeFactory(
        province_code=province, topics=topics, published_at=days_ago(days), **kwargs
    )


def supplier(province: str, topics: list[str], *, capacity: int, **kwargs):
    return OrganisationFactory(
        kind_slug="hbo", province_code=province, topics=topics, capacity=capacity, **kwargs
    )


def accept(challenge, organisation, *, days: float):
    return MatchFactory(
        challenge=challenge,
        organisation=organisation,
        status=MatchStatus.ACCEPTED,
        status_changed_at=days_ago(days),
    )


@dataclass
class Region:
    c1: Challenge
    c2: Challenge
    c3: Challenge
    c4: Challenge


@pytest.fixture
def region(db) -> Region:
    """Zuid-Holland (hub zuid-holland) and a little elsewhere.

    Published challenges in Zuid-Holland (demand):
      c1 predictive-analytics + time-series, 30 days ago
      c2 predictive-analytics, 40 days ago
      c3 the whole group "ml", 90 days ago (stale: no community after 60 days)
      c4 visual-inspection, 8 days ago
      not counted: a draft, and c6 (in a completed community)
    => predictive-analytics 2, time-series 1, ml group 3 (c1 once), vision group 1,
       visual-inspection 1; 4 published, 4 without a community, 1 of them stale.

    Active suppliers in Zuid-Holland (remaining capacity = supply):
      s1 capacity 3, predictive-analytics + time-series, accepted on c1 -> 2
      s2 capacity 2, the whole group "ml", accepted on c1 too -> 1
      s3 capacity 1, predictive-analytics, accepted on c2 and c4 -> 0 (never below zero)
      s5 capacity 5, predictive-analytics, accepted on c6 whose community completed -> 5
      not counted: s4 (inactive, visual-inspection), the SME (a demand organisation)
    => predictive-analytics 7, time-series 2, ml group 8, vision 0; total 8.

    Time to the first accepted match (published in the last 12 months, whatever their
    status now): c1 10 days (the later acceptance on c1 does not count), c2 4 days, c4 6
    days, c6 20 days => median 8, average 10; still waiting: c3. Not counted: c7
    (published 400 days ago).

    Elsewhere: Groningen g1 predictive-analytics (published) and supplier gs capacity 2;
    Utrecht 3 published challenges and no supply (unmet 3); Flevoland 1 (unmet 1).

    Communities of hub zuid-holland: A forming (lecturer p1, student p2), B completed
    (lecturer p1, company participant p3), linked to c6; of noord-nederland: N active
    (researcher p4). Knowledge from B: two cases (one 400 days old) and a tool; from N a
    lesson; one item without a community.
    """
    c1 = published("NL-ZH", ["predictive-analytics", "time-series"], days=30)
    c2 = published("NL-ZH", ["predictive-analytics"], days=40)
    c3 = published("NL-ZH", ["ml"], days=90)
    c4 = published("NL-ZH", ["visual-inspection"], days=8)
    published("NL-ZH", ["predictive-analytics"], days=1, status=ChallengeStatus.DRAFT)
    c6 = published("NL-ZH", ["predictive-analytics"], days=100, status=ChallengeStatus.IN_COMMUNITY)
    c7 = published("NL-ZH", ["time-series"], days=400, status=ChallengeStatus.CLOSED)

    s1 = supplier("NL-ZH", ["predictive-analytics", "time-series"], capacity=3)
    s2 = supplier("NL-ZH", ["ml"], capacity=2)
    s3 = supplier("NL-ZH", ["predictive-analytics"], capacity=1)
    supplier("NL-ZH", ["visual-inspection"], capacity=4, is_active=False)
    s5 = supplier("NL-ZH", ["predictive-analytics"], capacity=5)
    OrganisationFactory(kind_slug="sme", province_code="NL-ZH", topics=["ml"], capacity=7)

    accept(c1, s1, days=20)
    accept(c1, s2, days=10)
    accept(c2, s3, days=36)
    accept(c4, s3, days=2)
    accept(c6, s5, days=80)
    accept(c7, s1, days=390)
    MatchFactory(challenge=c3, organisation=s2)  # only suggested

    published("NL-GR", ["predictive-analytics"], days=10)
    supplier("NL-GR", ["predictive-analytics"], capacity=2)
    for _ in range(3):
        published("NL-UT", ["nlp"], days=5)
    published("NL-FL", ["nlp"], days=5)

    zuid_holland = Hub.objects.get(slug="zuid-holland")
    forming = LearningCommunityFactory(hub=zuid_holland, status=CommunityStatus.FORMING)
    completed = LearningCommunityFactory(hub=zuid_holland, status=CommunityStatus.COMPLETED)
    completed.challenges.add(c6)
    north = LearningCommunityFactory(
        hub=Hub.objects.get(slug="noord-nederland"), status=CommunityStatus.ACTIVE
    )
    p1, p2, p3, p4 = (UserFactory() for _ in range(4))
    Role = CommunityMembership.Role
    CommunityMembershipFactory(community=forming, user=p1, role=Role.LECTURER)
    CommunityMembershipFactory(community=forming, user=p2, role=Role.STUDENT)
    CommunityMembershipFactory(community=completed, user=p1, role=Role.LECTURER)
    CommunityMembershipFactory(community=completed, user=p3, role=Role.COMPANY_PARTICIPANT)
    CommunityMembershipFactory(community=north, user=p4, role=Role.RESEARCHER)

    Kind = KnowledgeItem.Kind
    KnowledgeItemFactory(source_community=completed, kind=Kind.CASE)
    old = KnowledgeItemFactory(source_community=completed, kind=Kind.CASE)
    KnowledgeItem.objects.filter(pk=old.pk).update(created_at=days_ago(400))
    KnowledgeItemFactory(source_community=completed, kind=Kind.TOOL)
    KnowledgeItemFactory(source_community=north, kind=Kind.LESSON)
    KnowledgeItemFactory(source_community=None, kind=Kind.CASE)
    return Region(c1=c1, c2=c2, c3=c3, c4=c4)
