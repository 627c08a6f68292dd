"""Rows as the API shows them. Each takes what the selectors already fetched (card data,
prefetched topics), so a page of results costs the same number of queries however long."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.matching.reasons import reason_texts


def _url(request: HttpRequest, thing) -> str:
    return request.build_absolute_uri(thing.get_absolute_url())


def _slugs(related) -> list[str]:
    return [item.slug for item in related.all()]


def challenge_summary(request: HttpRequest, challenge) -> dict[str, Any]:
    return {
        "id": challenge.pk,
        "title": challenge.title,
        "organisation": {"slug": challenge.organisation.slug, "name": challenge.organisation.name},
        "province": challenge.province.code if challenge.province_id else None,
        "topics": _slugs(challenge.topics),
        "status": challenge.status,
        "visibility": challenge.visibility,
        "published_at": challenge.published_at,
        "url": _url(request, challenge),
    }


def challenge_detail(request: HttpRequest, challenge) -> dict[str, Any]:
    return {
        **challenge_summary(request, challenge),
        "description": challenge.description,
        "learning_goals": challenge.learning_goals,
        "sectors": _slugs(challenge.sectors),
        "formats": _slugs(challenge.formats),
        "time_frame": challenge.time_frame,
        "created_at": challenge.created_at,
        "updated_at": challenge.updated_at,
    }


def organisation(request: HttpRequest, org) -> dict[str, Any]:
    return {
        "slug": org.slug,
        "name": org.name,
        "kind": org.kind.slug if org.kind_id else None,
        "province": org.province.code if org.province_id else None,
        "website": org.website,
        "description": org.description,
        "topics": _slugs(org.topics),
        "serves_nationally": org.serves_nationally,
        "verified": org.verified_at is not None,
        "url": _url(request, org),
    }


def community(request: HttpRequest, item) -> dict[str, Any]:
    return {
        "slug": item.slug,
        "name": item.name,
        "goal": item.goal,
        "learning_objectives": item.learning_objectives,
        "hub": {"slug": item.hub.slug, "name": item.hub.name} if item.hub_id else None,
        "status": item.status,
        "is_public": item.is_public,
        "created_at": item.created_at,
        "url": _url(request, item),
    }


def hub(request: HttpRequest, item) -> dict[str, Any]:
    return {
        "slug": item.slug,
        "name": item.name,
        "description_nl": item.description_nl,
        "description_en": item.description_en,
        "website": item.website,
        "provinces": [province.code for province in item.provinces.all()],
        "url": _url(request, item),
    }


def knowledge_item(request: HttpRequest, item) -> dict[str, Any]:
    # `source_community` is prefetched through the communities the reader may see: a
    # members-only community stays unnamed to others (as on the page).
    source = item.source_community if item.source_community_id else None
    return {
        "slug": item.slug,
        "title": item.title,
        "kind": item.kind,
        "summary": item.summary,
        "link": item.link,
        "licence": item.licence,
        "visibility": item.visibility,
        "topics": _slugs(item.topics),
        "source_community": source.slug if source else None,
        "created_at": item.created_at,
        "url": _url(request, item),
    }


def knowledge_item_detail(request: HttpRequest, item) -> dict[str, Any]:
    return {**knowledge_item(request, item), "body": item.body, "sectors": _slugs(item.sectors)}


def match(item, labels) -> dict[str, Any]:
    """A partner suggestion with why it fits: the reason codes with their parameters, and as
    text in the active language (`labels`: `apps.matching.reasons.taxonomy_labels()`)."""
    return {
        "id": item.pk,
        "organisation": {"slug": item.organisation.slug, "name": item.organisation.name},
        "score": item.score,
        "rank": item.rank,
        "status": item.status,
        "reasons": [
            {"code": r.get("code", ""), "params": r.get("params", {})} for r in item.reasons
        ],
        "reason_texts": reason_texts(item.reasons, labels),
    }
