""" "For you": the published challenges and learning communities that fit a person's
expertise and province, best first, among those the person may see. The matching engine
ranks them (a person is scored as a supplier of one); this page gathers from matching,
challenges and communities, so it lives at the top."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from django.conf import settings

from apps.accounts.permissions import sees_all_hubs
from apps.challenges.meaning import SOURCE as CHALLENGES
from apps.challenges.models import Challenge
from apps.challenges.selectors import challenge_list_by_ids
from apps.communities.models import LearningCommunity
from apps.communities.selectors import communities_not_taken_up
from apps.core.data_version import cached_for_data_version, memoised_for_data_version
from apps.matching import engine
from apps.matching.selectors import (
    Codebook,
    DemandData,
    codebook_load,
    demand_load_published_without_text,
    person_expertise_text,
)
from apps.matching.services import reasons_build
from apps.semantics.embeddings import meaning_available, nearest_by_meaning

# --- Ranking for a person --------------------------------------------------------


@dataclass(frozen=True)
class Recommendation:
    kind: str  # "challenge" or "community"
    object_id: int
    score: float
    reasons: list[dict]


@dataclass(frozen=True)
class _ForYouIndex:
    """Everything "For you" ranks, for everyone: every published challenge and every
    community that is not completed, with the codebook they were indexed by. Built once per
    data version in each process (a second or two at national size), so a request only
    scores arrays and checks visibility."""

    codebook: Codebook
    challenges: DemandData
    communities: DemandData


def _for_you_index() -> _ForYouIndex:
    def build() -> _ForYouIndex:
        codebook = codebook_load()
        community_ids = list(
            LearningCommunity.objects.exclude(status="completed")
            .filter(challenges__isnull=False)
            .distinct()
            .values_list("id", flat=True)
        )
        return _ForYouIndex(
            codebook=codebook,
            challenges=demand_load_published_without_text(codebook),
            communities=_community_demand(codebook, community_ids),
        )

    # In this process while the data stays the same; shared through the cache between
    # processes, so a freshly started (or recycled) worker fetches it instead of building.
    return memoised_for_data_version(
        "for-you-index", lambda: cached_for_data_version("for-you-index", "", build)
    )


def match_recommendations_for_person(*, person, top_n: int = 20) -> list[Recommendation]:
    """Published challenges and communities that fit a person's expertise and province,
    best first, among those the person may see.

    The engine ranks everything in the shared index; visibility is then checked in the
    database for the best candidates only, widening the window until `top_n` visible ones
    are found (the score of a row does not depend on the others, so this is the ranking of
    the visible rows exactly).

    Ranking every published challenge for one person takes a quarter of a second at national
    size, and gives the same until the data or what the person says about themselves
    changes: shared through the cache under the data version and all of the person's
    inputs (the platform's tables are in the data version; the person's own are in the key)."""
    expertise = sorted(person.expertise_topics.values_list("id", flat=True))
    text = person_expertise_text(person)
    words = bool(text) and meaning_available(CHALLENGES, enabled=settings.MATCHING_BY_MEANING)
    key = "|".join(
        str(part)
        for part in (
            person.pk,
            expertise,
            person.province_id,
            hashlib.blake2b(text.encode(), digest_size=16).hexdigest(),
            words,
            sees_all_hubs(person),
            getattr(person, "coordinator_reach_confirmed", True),
            top_n,
        )
    )
    return cached_for_data_version(
        "for-you",
        key,
        lambda: _recommendations_for_person(person, expertise, top_n),
    )


def _recommendations_for_person(person, expertise: list[int], top_n: int) -> list[Recommendation]:
    meaning = _nearest_challenges_for_words(person)
    if not expertise:
        return _words_only_recommendations(person, meaning, top_n)
    index = _for_you_index()
    codebook = index.codebook
    topic_col = [codebook.topic_index[t] for t in expertise if t in codebook.topic_index]
    n_topics = len(codebook.topic_index)
    unknown_province = len(codebook.province_index)
    # One extra "unknown" province that relates to nothing, for people who did not say.
    relation = np.full(
        (unknown_province + 1, unknown_province + 1), engine.RegionRelation.ELSEWHERE, np.int8
    )
    relation[:unknown_province, :unknown_province] = codebook.region.relation
    region = engine.Region(relation=relation)

    def empty(rows: int, cols: int):
        return sp.csr_matrix((rows, cols), dtype=np.float32)

    person_province = codebook.province_index.get(person.province_id, unknown_province)
    supply = engine.Supply(
        topics=sp.csr_matrix(
            (np.ones(len(topic_col), np.float32), ([0] * len(topic_col), topic_col)),
            shape=(1, n_topics),
        ),
        province=np.array([person_province], np.int16),
        serves_nationally=np.array([False]),
        sectors=empty(1, len(codebook.sector_index)),
        formats=empty(1, len(codebook.format_index)),
        text=empty(1, 1),
        remaining_capacity=np.array([1], np.int32),
        is_education=np.array([False]),
        is_lab=np.array([False]),
    )

    def visible_challenges(ids: list[int]) -> set[int]:
        return _published_visible(person, ids)

    def visible_communities(ids: list[int]) -> set[int]:
        # Not one the person joined, asked to join or turned down (issue 12: a member was
        # offered their own community first).
        offered = communities_not_taken_up(
            LearningCommunity.objects.visible_to(person).exclude(status="completed"),
            user=person,
        )
        return set(offered.filter(pk__in=ids).values_list("pk", flat=True))

    recommendations = _with_words(
        person,
        _rank_for_person(
            "challenge", index.challenges, supply, codebook, region, top_n, visible_challenges
        ),
        meaning,
    ) + _rank_for_person(
        "community", index.communities, supply, codebook, region, top_n, visible_communities
    )
    recommendations.sort(key=lambda r: -r.score)
    return recommendations[:top_n]


# What a person writes about their expertise (what they can offer, about me) counts in "For
# you" next to their topics: a challenge's score there is (1 - share) x its topic-based score
# + share x the cosine between the person's words and the challenge; challenges close in
# meaning without a shared topic come after those with one. Without topics, the words alone.
FOR_YOU_WORDS_SHARE = 0.2
FOR_YOU_WORDS_CANDIDATES = 60
_FITTING_SENTENCE = {"code": "fitting_sentence", "params": {}}


def _nearest_challenges_for_words(person) -> dict[int, float]:
    """Challenge id -> cosine, for the challenges nearest in meaning to what the person wrote
    (any status: visibility is checked by the caller); empty without words or meaning."""
    text = person_expertise_text(person)
    if not text or not meaning_available(CHALLENGES, enabled=settings.MATCHING_BY_MEANING):
        return {}
    return dict(nearest_by_meaning(CHALLENGES, text, limit=FOR_YOU_WORDS_CANDIDATES))


def _published_visible(person, ids: list[int]) -> set[int]:
    return set(
        Challenge.objects.visible_to(person)
        .published()
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )


def _with_words(
    person, ranked: list[Recommendation], meaning: dict[int, float]
) -> list[Recommendation]:
    if not meaning:
        return ranked
    share = FOR_YOU_WORDS_SHARE
    fused = [
        Recommendation(
            r.kind,
            r.object_id,
            (1 - share) * r.score + share * meaning.get(r.object_id, 0.0),
            [*r.reasons, _FITTING_SENTENCE] if r.object_id in meaning else r.reasons,
        )
        for r in ranked
    ]
    ranked_ids = {r.object_id for r in ranked}
    others = [cid for cid in meaning if cid not in ranked_ids]
    visible = _published_visible(person, others) if others else set()
    return fused + _words_only([cid for cid in others if cid in visible], meaning, share)


def _words_only(ids, meaning, weight) -> list[Recommendation]:
    return [
        Recommendation("challenge", cid, weight * meaning[cid], [_FITTING_SENTENCE]) for cid in ids
    ]


def _words_only_recommendations(person, meaning: dict[int, float], top_n: int):
    if not meaning:
        return []
    visible = _published_visible(person, list(meaning))
    return _words_only([cid for cid in meaning if cid in visible], meaning, 1.0)[:top_n]


def _rank_for_person(kind, demand: DemandData, supply, codebook, region, top_n, visible_ids):
    if demand.demand.size == 0:
        return []
    idf = np.zeros(1, dtype=np.float32)
    window = top_n * 4
    while True:
        ranking = engine.rank_demand_for(
            demand.demand, supply, taxonomy=codebook.taxonomy, region=region, idf=idf, top_n=window
        )
        candidates = demand.ids[ranking.rows].tolist()
        visible = visible_ids(candidates) if candidates else set()
        keep = [i for i, object_id in enumerate(candidates) if object_id in visible][:top_n]
        if len(keep) >= top_n or len(candidates) < window or window >= demand.demand.size:
            break
        window *= 4
    ranking = _ranking_take(ranking, np.array(keep, dtype=np.int64))
    explanation = engine.explain(
        demand.demand, supply, ranking.rows, ranking.cols, taxonomy=codebook.taxonomy, idf=idf
    )
    reasons = reasons_build(ranking=ranking, explanation=explanation, codebook=codebook, terms=[""])
    return [
        Recommendation(
            kind, int(demand.ids[ranking.rows[i]]), float(ranking.score[i]), json.loads(reasons[i])
        )
        for i in range(len(ranking.rows))
    ]


def _ranking_take(ranking: engine.Ranking, positions: np.ndarray) -> engine.Ranking:
    """The pairs at `positions` (in that order)."""
    return engine.Ranking(
        **{
            field.name: getattr(ranking, field.name)[positions]
            for field in dataclasses.fields(ranking)
        }
    )


def _community_demand(codebook: Codebook, community_ids: list[int]) -> DemandData:
    """A community as something to rank: the topics, sectors and formats of its challenges,
    located in its first challenge's province (else its hub's first province)."""
    row_index = {cid: i for i, cid in enumerate(sorted(community_ids))}
    links = LearningCommunity.challenges.through.objects.filter(
        learningcommunity_id__in=community_ids
    )
    topic_pairs = links.values_list("learningcommunity_id", "challenge__topics")
    province = {}
    for community_id, province_id in links.order_by("challenge_id").values_list(
        "learningcommunity_id", "challenge__province_id"
    ):
        province.setdefault(community_id, province_id)
    for community_id, province_id in LearningCommunity.objects.filter(
        pk__in=community_ids
    ).values_list("id", "hub__provinces"):
        province.setdefault(community_id, province_id)
    n = len(row_index)
    rows, cols = [], []
    for community_id, topic_id in topic_pairs:
        if topic_id is not None:
            rows.append(row_index[community_id])
            cols.append(codebook.topic_index[topic_id])
    topics = sp.csr_matrix(
        (np.ones(len(rows), np.float32), (rows, cols)), shape=(n, len(codebook.topic_index))
    )
    topics.sum_duplicates()
    topics.data[:] = 1
    demand = engine.Demand(
        topics=topics,
        province=np.array(
            [codebook.province_index[province[c]] for c in sorted(community_ids)], np.int16
        ),
        sectors=sp.csr_matrix((n, len(codebook.sector_index)), dtype=np.float32),
        formats=sp.csr_matrix((n, len(codebook.format_index)), dtype=np.float32),
        text=sp.csr_matrix((n, 1), dtype=np.float32),
    )
    return DemandData(ids=np.array(sorted(community_ids), np.int64), demand=demand)


# --- With their objects, for the page ----------------------------------------------------------


@dataclass(frozen=True)
class RecommendedItem:
    """A recommendation with the object it points at, for the "for you" page."""

    kind: str  # "challenge" or "community"
    item: object
    score: float
    reasons: list[dict]


def match_recommendations_with_objects(*, person, top_n: int = 20) -> list[RecommendedItem]:
    """`match_recommendations_for_person` with the challenges and communities loaded (two
    queries plus prefetches), in ranking order; whatever the person may no longer see is left
    out."""

    recommendations = match_recommendations_for_person(person=person, top_n=top_n)
    challenge_ids = [r.object_id for r in recommendations if r.kind == "challenge"]
    community_ids = [r.object_id for r in recommendations if r.kind == "community"]
    objects = {
        "challenge": challenge_list_by_ids(user=person, ids=challenge_ids) if challenge_ids else {},
        "community": (
            {
                community.pk: community
                for community in LearningCommunity.objects.visible_to(person)
                .filter(pk__in=community_ids)
                .select_related("hub")
            }
            if community_ids
            else {}
        ),
    }
    return [
        RecommendedItem(r.kind, objects[r.kind][r.object_id], r.score, r.reasons)
        for r in recommendations
        if r.object_id in objects[r.kind]
    ]


def person_has_expertise(person) -> bool:
    """Whether "For you" has anything to go on: expertise topics or text about it."""
    return bool(person_expertise_text(person) or person.expertise_topics.exists())
