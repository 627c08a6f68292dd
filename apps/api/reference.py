"""The reference data, in both languages: what the facets' values mean."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from apps.hubs.models import Hub
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector

from . import schemas, serializers

router = Router(tags=["reference"])

# The keys a write's body names reference data by, per kind (`writes.reference_values`): the
# OpenAPI document lists each one's current values as an enum when it is built.
REFERENCE_KEYS = {
    "topics": (AITopic, "slug"),
    "sectors": (Sector, "slug"),
    "formats": (Format, "slug"),
    "provinces": (Province, "code"),
}


def reference_keys(name: str) -> list[str]:
    model, key = REFERENCE_KEYS[name]
    return sorted(model.objects.values_list(key, flat=True))


def _labels(queryset):
    return [{"slug": r.slug, "name_nl": r.name_nl, "name_en": r.name_en} for r in queryset]


@router.get("/provinces", response=list[schemas.Province])
def provinces(request: HttpRequest):
    return [
        {"code": p.code, "name_nl": p.name_nl, "name_en": p.name_en}
        for p in Province.objects.order_by("name_nl")
    ]


@router.get("/hubs", response=list[schemas.Hub])
def hubs(request: HttpRequest):
    rows = Hub.objects.prefetch_related("provinces").order_by("name")
    return [serializers.hub(request, hub) for hub in rows]


@router.get("/ai-topics", response=list[schemas.Topic])
def ai_topics(request: HttpRequest):
    rows = AITopic.objects.select_related("parent").order_by("position", "slug")
    return [
        {
            "slug": t.slug,
            "name_nl": t.name_nl,
            "name_en": t.name_en,
            "parent": t.parent.slug if t.parent_id else None,
            "description_nl": t.description_nl,
            "description_en": t.description_en,
        }
        for t in rows
    ]


@router.get("/sectors", response=list[schemas.Label])
def sectors(request: HttpRequest):
    return _labels(Sector.objects.order_by("position", "slug"))


@router.get("/formats", response=list[schemas.Label])
def formats(request: HttpRequest):
    return _labels(Format.objects.order_by("position", "slug"))


@router.get("/organisation-kinds", response=list[schemas.OrganisationKind])
def organisation_kinds(request: HttpRequest):
    return [
        {
            "slug": k.slug,
            "name_nl": k.name_nl,
            "name_en": k.name_en,
            "role": k.role,
            "is_education": k.is_education,
        }
        for k in OrganisationKind.objects.order_by("position", "slug")
    ]
