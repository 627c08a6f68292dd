"""The public reads: the directories and their detail pages, with the same `visible_to`
rules, facets and search as the pages (through the apps' selectors and FilterSets). Without a
token they answer as to a visitor; with one, as to that person seen as a member."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router

from apps.challenges.filters import ChallengeFilterSet
from apps.challenges.selectors import challenge_filterset, challenge_get_visible
from apps.communities.browse import community_filterset
from apps.communities.filters import CommunityFilterSet
from apps.communities.selectors import community_get_visible
from apps.hubs.filters import HubFilterSet
from apps.hubs.selectors import hub_get
from apps.knowledge.filters import KnowledgeItemFilterSet
from apps.knowledge.selectors import knowledge_item_filterset, knowledge_item_get_visible
from apps.organisations.filters import OrganisationFilterSet
from apps.organisations.selectors import organisation_filterset, organisation_get_visible
from apps.portal.selectors import hub_filterset

from . import schemas, serializers
from .auth import OPTIONAL_TOKEN, api_user
from .filters import checked_filterset, filter_params_schema, filters_of
from .pagination import PageParams, paginated

ChallengeFilters = filter_params_schema(ChallengeFilterSet, "ChallengeFilters")
OrganisationFilters = filter_params_schema(OrganisationFilterSet, "OrganisationFilters")
CommunityFilters = filter_params_schema(CommunityFilterSet, "CommunityFilters")
HubFilters = filter_params_schema(HubFilterSet, "HubFilters")
KnowledgeItemFilters = filter_params_schema(KnowledgeItemFilterSet, "KnowledgeItemFilters")


def _found(thing):
    if thing is None:
        raise Http404
    return thing


def _rows(serialize):
    def each(request: HttpRequest):
        return lambda rows: [serialize(request, row) for row in rows]

    return each


challenges = Router(tags=["challenges"])


@challenges.get("", response=schemas.ChallengePage, openapi_extra=OPTIONAL_TOKEN)
def challenge_list(request: HttpRequest, filters: Query[ChallengeFilters], page: Query[PageParams]):
    """The open challenges you may see, searched and filtered as the directory is.
    `?hub=zuid-holland` gives a hub's region."""
    filterset = checked_filterset(
        challenge_filterset(user=api_user(request), filters=filters_of(request, filters))
    )
    return paginated(request, filterset.qs, page, _rows(serializers.challenge_summary)(request))


@challenges.get("/{int:id}", response=schemas.Challenge, openapi_extra=OPTIONAL_TOKEN)
def challenge_detail(request: HttpRequest, id: int):
    challenge = _found(challenge_get_visible(user=api_user(request), pk=id))
    return serializers.challenge_detail(request, challenge)


organisations = Router(tags=["organisations"])


@organisations.get("", response=schemas.OrganisationPage, openapi_extra=OPTIONAL_TOKEN)
def organisation_list(
    request: HttpRequest, filters: Query[OrganisationFilters], page: Query[PageParams]
):
    filterset = checked_filterset(
        organisation_filterset(user=api_user(request), filters=filters_of(request, filters))
    )
    return paginated(request, filterset.qs, page, _rows(serializers.organisation)(request))


@organisations.get("/{slug}", response=schemas.Organisation, openapi_extra=OPTIONAL_TOKEN)
def organisation_detail(request: HttpRequest, slug: str):
    return serializers.organisation(
        request, _found(organisation_get_visible(user=api_user(request), slug=slug))
    )


communities = Router(tags=["communities"])


@communities.get("", response=schemas.CommunityPage, openapi_extra=OPTIONAL_TOKEN)
def community_list(request: HttpRequest, filters: Query[CommunityFilters], page: Query[PageParams]):
    filterset = checked_filterset(
        community_filterset(user=api_user(request), filters=filters_of(request, filters))
    )
    return paginated(request, filterset.qs, page, _rows(serializers.community)(request))


@communities.get("/{slug}", response=schemas.Community, openapi_extra=OPTIONAL_TOKEN)
def community_detail(request: HttpRequest, slug: str):
    return serializers.community(
        request, _found(community_get_visible(user=api_user(request), slug=slug))
    )


hubs = Router(tags=["hubs"])


@hubs.get("", response=schemas.HubPage, openapi_extra=OPTIONAL_TOKEN)
def hub_list(request: HttpRequest, filters: Query[HubFilters], page: Query[PageParams]):
    filterset = checked_filterset(
        hub_filterset(user=api_user(request), filters=filters_of(request, filters))
    )
    return paginated(request, filterset.qs, page, _rows(serializers.hub)(request))


@hubs.get("/{slug}", response=schemas.Hub, openapi_extra=OPTIONAL_TOKEN)
def hub_detail(request: HttpRequest, slug: str):
    return serializers.hub(request, _found(hub_get(slug=slug, user=api_user(request))))


knowledge_items = Router(tags=["knowledge-items"])


@knowledge_items.get("", response=schemas.KnowledgeItemPage, openapi_extra=OPTIONAL_TOKEN)
def knowledge_item_list(
    request: HttpRequest, filters: Query[KnowledgeItemFilters], page: Query[PageParams]
):
    filterset = checked_filterset(
        knowledge_item_filterset(user=api_user(request), filters=filters_of(request, filters))
    )
    return paginated(request, filterset.qs, page, _rows(serializers.knowledge_item)(request))


@knowledge_items.get("/{slug}", response=schemas.KnowledgeItemDetail, openapi_extra=OPTIONAL_TOKEN)
def knowledge_item_detail(request: HttpRequest, slug: str):
    return serializers.knowledge_item_detail(
        request, _found(knowledge_item_get_visible(user=api_user(request), slug=slug))
    )
