"""Personal reads with a token: me, my organisations, my challenges with their matches and
reasons, my notifications, my communities and what "For you" shows. All through the apps'
selectors, for the token's person seen as a member (`apps.api.auth`)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Schema

from apps.challenges.selectors import challenge_list_for_member
from apps.matching.models import Match, MatchStatus
from apps.matching.reasons import reason_texts, taxonomy_labels
from apps.notifications.selectors import notification_list
from apps.organisations.selectors import membership_list_for_user
from apps.portal.for_you import match_recommendations_with_objects
from apps.portal.selectors import community_membership_list_for_user

from . import schemas, serializers
from .auth import read_token
from .pagination import PageParams, paginated

router = Router(tags=["me"], auth=read_token)


class Me(Schema):
    id: int
    email: str
    full_name: str
    province: str | None
    preferred_language: str
    expertise_topics: list[str]


class MyOrganisation(Schema):
    organisation: schemas.Organisation
    role: str
    state: str


class Reason(Schema):
    code: str
    params: dict


class MatchOut(Schema):
    id: int
    organisation: schemas.OrganisationRef
    score: float
    rank: int | None
    status: str
    reasons: list[Reason]
    reason_texts: list[str]


class MyChallenge(schemas.ChallengeSummary):
    matches: list[MatchOut]


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class MyCommunity(Schema):
    community: schemas.Community
    role: str


class ForYouItem(Schema):
    kind: str
    score: float
    challenge: schemas.ChallengeSummary | None
    community: schemas.Community | None
    reasons: list[Reason]
    reason_texts: list[str]


MyOrganisationPage = schemas.page_schema(MyOrganisation, "MyOrganisationPage")
MyChallengePage = schemas.page_schema(MyChallenge, "MyChallengePage")
NotificationPage = schemas.page_schema(NotificationOut, "NotificationPage")
MyCommunityPage = schemas.page_schema(MyCommunity, "MyCommunityPage")


def _reasons(reasons: list[dict]) -> list[dict]:
    return [{"code": r.get("code", ""), "params": r.get("params", {})} for r in reasons]


@router.get("", response=Me)
def me(request: HttpRequest):
    user = request.api_user
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "province": user.province.code if user.province_id else None,
        "preferred_language": user.preferred_language,
        "expertise_topics": sorted(user.expertise_topics.values_list("slug", flat=True)),
    }


@router.get("/organisations", response=MyOrganisationPage)
def my_organisations(request: HttpRequest, page: Query[PageParams]):
    rows = membership_list_for_user(user=request.api_user).prefetch_related("organisation__topics")
    return paginated(
        request,
        rows,
        page,
        lambda memberships: [
            {
                "organisation": serializers.organisation(request, m.organisation),
                "role": m.role,
                "state": m.state,
            }
            for m in memberships
        ],
        shared_count=False,
    )


@router.get("/challenges", response=MyChallengePage)
def my_challenges(request: HttpRequest, page: Query[PageParams]):
    """The challenges of my organisations (drafts too), each with its matched partners and
    why they fit: the reason codes with their parameters, and as text in the language of
    Accept-Language."""
    matches = (
        Match.objects.filter(organisation__isnull=False)
        .exclude(status=MatchStatus.DECLINED)
        .select_related("organisation")
        .order_by("rank", "-score", "pk")
    )
    rows = challenge_list_for_member(user=request.api_user).prefetch_related(
        "province", "topics", Prefetch("matches", queryset=matches, to_attr="api_matches")
    )

    def serialize(challenges):
        labels = taxonomy_labels() if challenges else {}
        return [
            {
                **serializers.challenge_summary(request, challenge),
                "matches": [serializers.match(match, labels) for match in challenge.api_matches],
            }
            for challenge in challenges
        ]

    return paginated(request, rows, page, serialize, shared_count=False)


@router.get("/notifications", response=NotificationPage)
def my_notifications(request: HttpRequest, page: Query[PageParams]):
    rows = notification_list(user=request.api_user).order_by("-created_at", "-pk")
    return paginated(
        request,
        rows,
        page,
        lambda notices: [
            {
                "id": n.pk,
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": request.build_absolute_uri(n.url) if n.url else "",
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in notices
        ],
        shared_count=False,
    )


@router.get("/communities", response=MyCommunityPage)
def my_communities(request: HttpRequest, page: Query[PageParams]):
    rows = community_membership_list_for_user(user=request.api_user)
    return paginated(
        request,
        rows,
        page,
        lambda memberships: [
            {"community": serializers.community(request, m.community), "role": m.role}
            for m in memberships
        ],
        shared_count=False,
    )


@router.get("/for-you", response=list[ForYouItem])
def for_you(request: HttpRequest):
    """The challenges and communities "For you" recommends, best first, with the reasons."""
    items = match_recommendations_with_objects(person=request.api_user)
    labels = taxonomy_labels() if items else {}
    return [
        {
            "kind": item.kind,
            "score": item.score,
            "challenge": serializers.challenge_summary(request, item.item)
            if item.kind == "challenge"
            else None,
            "community": serializers.community(request, item.item)
            if item.kind == "community"
            else None,
            "reasons": _reasons(item.reasons),
            "reason_texts": reason_texts(item.reasons, labels),
        }
        for item in items
    ]
