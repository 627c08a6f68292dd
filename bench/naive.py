"""The straightforward way to write the matcher, as a yardstick for the project's service
path: loop over challenges and suppliers, read each object's topics, sectors and formats
through its ORM relations, score each pair in pure Python with the same rules
(apps/matching/engine/rules.py: topic fit, region, sector and format fit, text similarity, the
capacity and mix rules) and write the suggestions one by one with `update_or_create`.

The text part is a plain set-overlap cosine of the words instead of the tf-idf cosine of
PostgreSQL lexemes, so rankings agree closely but not exactly with the engine's.

Requires a configured Django (call after `django.setup()`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

WORD = re.compile(r"[^\W\d_]{4,}")
STOP_WORDS = frozenset(
    {
        "maar",
        "niet",
        "voor",
        "zijn",
        "naar",
        "over",
        "door",
        "hebben",
        "heeft",
        "deze",
        "onze",
        "waar",
        "wordt",
        "worden",
        "kunnen",
        "willen",
        "graag",
        "steeds",
        "veel",
        "weinig",
        "zich",
        "daarnaast",
        "samen",
        "with",
        "that",
        "this",
        "from",
        "have",
        "would",
        "could",
        "what",
        "which",
        "their",
        "about",
        "into",
    }
)

TOPIC, REGION, SECTOR, FORMAT, TEXT, SIBLING = 0.50, 0.22, 0.10, 0.08, 0.10, 0.5
REGION_SCORES = {
    "same_province": 1.0,
    "neighbouring_province": 0.6,
    "same_hub": 0.6,
    "national": 0.35,
    "elsewhere": 0.0,
}
NEARBY = ("same_province", "neighbouring_province", "same_hub")


def _words(*texts: str) -> set[str]:
    return {w for text in texts for w in WORD.findall(text.lower()) if w not in STOP_WORDS}


@dataclass
class Candidate:
    supplier: object
    score: float
    exact: list[str]
    related: list[str]
    relation: str
    sectors: list[str]
    formats: list[str]
    terms: list[str] = field(default_factory=list)

    @property
    def is_education(self) -> bool:
        return self.supplier.kind.is_education

    @property
    def is_nearby_lab(self) -> bool:
        return self.supplier.kind.slug == "innovation-lab" and self.relation in NEARBY

    def reasons(self) -> list[dict]:
        reasons = [
            {"code": "shared_topics", "params": {"topics": self.exact, "related": self.related}},
            {"code": "region", "params": {"relation": self.relation}},
        ]
        if self.sectors:
            reasons.append({"code": "shared_sectors", "params": {"sectors": self.sectors}})
        if self.formats:
            reasons.append({"code": "shared_formats", "params": {"formats": self.formats}})
        if self.terms:
            reasons.append({"code": "shared_terms", "params": {"terms": self.terms}})
        return reasons


def _topic_fit(challenge_topics, supplier_topics) -> tuple[float, list[str], list[str]]:
    supplier_leaves = {t.pk for t in supplier_topics if t.parent_id is not None}
    supplier_groups = {t.parent_id or t.pk for t in supplier_topics}
    credit, exact, related = 0.0, [], []
    for topic in challenge_topics:
        if topic.parent_id is not None and topic.pk in supplier_leaves:
            credit += 1.0
            exact.append(topic.slug)
        elif (topic.parent_id or topic.pk) in supplier_groups:
            credit += SIBLING
            related.append(topic.slug)
    return credit / len(challenge_topics) if challenge_topics else 0.0, exact, related


def _mix(candidates: list[Candidate], top_n: int) -> list[Candidate]:
    """Rule 6 as the engine applies it: an education partner, then a nearby lab, swapped
    into the last slot(s) of a full list."""
    top = candidates[:top_n]
    if len(top) < top_n:
        return top
    if not any(c.is_education for c in top):
        best = next((c for c in candidates[top_n:] if c.is_education), None)
        if best is not None:
            top[-1] = best
    if not any(c.is_nearby_lab for c in top):
        lab = next((c for c in candidates if c.is_nearby_lab and c not in top), None)
        if lab is not None:
            only_edu_last = top[-1].is_education and sum(c.is_education for c in top) == 1
            slot = top_n - 2 if only_edu_last else top_n - 1
            if slot >= 0:
                top[slot] = lab
    return top


def rematch_naive(*, top_n: int = 10, per_pair: bool = True) -> int:
    """Recompute every published challenge's suggestions the naive way; returns the number
    of suggestions written. With `per_pair` a supplier's relations are read again for every
    challenge (the nested loop as first written); without, once per supplier object."""
    from apps.challenges.models import Challenge, ChallengeStatus
    from apps.communities.models import CommunityStatus
    from apps.matching.engine import ALGORITHM_VERSION
    from apps.matching.models import HUMAN_DECIDED_STATUSES, Match, MatchStatus
    from apps.organisations.models import Organisation

    now = timezone.now()
    suppliers = list(Organisation.objects.active().suppliers().select_related("kind"))
    remaining = {}
    for supplier in suppliers:
        accepted = (
            Match.objects.filter(organisation=supplier, status=MatchStatus.ACCEPTED)
            .filter(
                Q(challenge__status=ChallengeStatus.PUBLISHED)
                | Q(
                    challenge__status=ChallengeStatus.IN_COMMUNITY,
                    challenge__communities__status__in=[
                        CommunityStatus.FORMING,
                        CommunityStatus.ACTIVE,
                    ],
                )
            )
            .values("challenge_id")
            .distinct()
            .count()
        )
        remaining[supplier.pk] = supplier.capacity - accepted
    supplier_words = {s.pk: _words(s.name, s.description) for s in suppliers}
    cache: dict[tuple[int, str], list] = {}

    def relation_of(supplier, name: str) -> list:
        if per_pair:
            return list(getattr(supplier, name).all())
        key = (supplier.pk, name)
        if key not in cache:
            cache[key] = list(getattr(supplier, name).all())
        return cache[key]

    written = 0
    for challenge in Challenge.objects.published().select_related("province").order_by("pk"):
        challenge_topics = list(challenge.topics.all())
        challenge_sectors = {s.pk: s.slug for s in challenge.sectors.all()}
        challenge_formats = {f.pk: f.slug for f in challenge.formats.all()}
        province = challenge.province
        neighbours = {p.pk for p in province.neighbours.all()}
        hub_provinces = {p.pk for hub in province.hubs.all() for p in hub.provinces.all()}
        words = _words(challenge.title, challenge.description, challenge.learning_goals)
        decided = set(
            Match.objects.filter(
                challenge=challenge, status__in=HUMAN_DECIDED_STATUSES
            ).values_list("organisation_id", flat=True)
        )
        candidates = []
        for supplier in suppliers:
            if remaining[supplier.pk] <= 0 or supplier.pk in decided:
                continue
            fit, exact, related = _topic_fit(challenge_topics, relation_of(supplier, "topics"))
            if fit <= 0:
                continue
            if supplier.province_id == province.pk:
                relation = "same_province"
            elif supplier.province_id in neighbours:
                relation = "neighbouring_province"
            elif supplier.province_id in hub_provinces:
                relation = "same_hub"
            elif supplier.serves_nationally:
                relation = "national"
            else:
                relation = "elsewhere"
            sectors = sorted(
                challenge_sectors[s.pk]
                for s in relation_of(supplier, "sectors")
                if s.pk in challenge_sectors
            )
            formats = sorted(
                challenge_formats[f.pk]
                for f in relation_of(supplier, "formats")
                if f.pk in challenge_formats
            )
            other_words = supplier_words[supplier.pk]
            shared_words = words & other_words
            text = (
                len(shared_words) / math.sqrt(len(words) * len(other_words))
                if shared_words
                else 0.0
            )
            score = (
                TOPIC * fit
                + REGION * REGION_SCORES[relation]
                + SECTOR * (len(sectors) / len(challenge_sectors) if challenge_sectors else 0)
                + FORMAT * (len(formats) / len(challenge_formats) if challenge_formats else 0)
                + TEXT * text
            )
            candidates.append(
                Candidate(
                    supplier,
                    score,
                    sorted(exact),
                    sorted(related),
                    relation,
                    sectors,
                    formats,
                    sorted(shared_words)[:3],
                )
            )
        candidates.sort(key=lambda c: (-c.score, c.supplier.pk))
        kept = []
        for rank, candidate in enumerate(_mix(candidates, top_n), start=1):
            Match.objects.update_or_create(
                challenge=challenge,
                organisation=candidate.supplier,
                defaults={
                    "rank": rank,
                    "score": round(min(max(candidate.score, 0.0), 1.0), 4),
                    "reasons": candidate.reasons(),
                    "algorithm_version": ALGORITHM_VERSION,
                    "computed_at": now,
                },
            )
            kept.append(candidate.supplier.pk)
            written += 1
        Match.objects.filter(
            challenge=challenge, organisation__isnull=False, status=MatchStatus.SUGGESTED
        ).exclude(organisation__in=kept).delete()
    return written
