"""The shapes of the API's answers (OpenAPI is generated from these)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from .pagination import PageLinks


class Problem(Schema):
    """RFC 9457 problem details, with the title in both languages."""

    type: str
    title: str
    title_nl: str
    title_en: str
    status: int
    detail: str
    instance: str
    invalid_params: list[InvalidParam] | None = None
    # The service's reason for a refusal (`topics_required`, `not_editable`, ...), to branch on.
    code: str | None = None


class InvalidParam(Schema):
    name: str
    reason: str


Problem.model_rebuild()


class Label(Schema):
    slug: str
    name_nl: str
    name_en: str


class Topic(Label):
    parent: str | None
    description_nl: str
    description_en: str


class OrganisationKind(Label):
    role: str
    is_education: bool


class Province(Schema):
    code: str
    name_nl: str
    name_en: str


class HubRef(Schema):
    slug: str
    name: str


class Hub(Schema):
    slug: str
    name: str
    description_nl: str
    description_en: str
    website: str
    provinces: list[str]
    url: str


class OrganisationRef(Schema):
    slug: str
    name: str


class CommunityRef(Schema):
    slug: str
    name: str


class ChallengeSummary(Schema):
    id: int
    title: str
    organisation: OrganisationRef
    province: str | None
    topics: list[str]
    status: str
    visibility: str
    published_at: datetime | None
    url: str


class Challenge(ChallengeSummary):
    description: str
    learning_goals: str
    sectors: list[str]
    formats: list[str]
    time_frame: str
    created_at: datetime
    updated_at: datetime


class Organisation(Schema):
    slug: str
    name: str
    kind: str | None
    province: str | None
    website: str
    description: str
    topics: list[str]
    serves_nationally: bool
    verified: bool
    url: str


class Community(Schema):
    slug: str
    name: str
    goal: str
    learning_objectives: str
    hub: HubRef | None
    status: str
    is_public: bool
    created_at: datetime
    url: str


class KnowledgeItem(Schema):
    slug: str
    title: str
    kind: str
    summary: str
    link: str
    licence: str
    visibility: str
    topics: list[str]
    source_community: str | None
    created_at: datetime
    url: str


class KnowledgeItemDetail(KnowledgeItem):
    body: str
    sectors: list[str]


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """`{"results": [item], "count", "page", "page_size", "links"}` named `name`."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {
                "results": list[item],
                "count": int,
                "page": int,
                "page_size": int,
                "links": PageLinks,
            },
            "__module__": __name__,
        },
    )


ChallengePage = page_schema(ChallengeSummary, "ChallengePage")
OrganisationPage = page_schema(Organisation, "OrganisationPage")
CommunityPage = page_schema(Community, "CommunityPage")
HubPage = page_schema(Hub, "HubPage")
KnowledgeItemPage = page_schema(KnowledgeItem, "KnowledgeItemPage")
