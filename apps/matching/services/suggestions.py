"""Suggestions for a set of challenges: the context a process loads once (codebook and
suppliers), the ranking by the engine (with the hub-wide balance where asked), the reasons
people read, the bulk upsert that never touches a match people decided on, and the notice to
a challenge's owners when it gains a top suggestion."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.challenges.models import Challenge
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify
from apps.organisations.models import Membership
from apps.semantics.core import meaningful_term
from apps.semantics.embeddings import MEANING_FLOOR

from .. import engine
from ..models import Match, MatchRun, MatchStatus
from ..selectors import (
    Codebook,
    DemandData,
    SupplyData,
    codebook_load,
    decided_pairs,
    demand_load,
    matching_inputs_fingerprint,
    supply_load,
)

REGION_CODES = {
    engine.RegionRelation.SAME_PROVINCE: "same_province",
    engine.RegionRelation.NEIGHBOURING: "neighbouring_province",
    engine.RegionRelation.SAME_HUB: "same_hub",
    engine.RegionRelation.NATIONAL: "national",
    engine.RegionRelation.ELSEWHERE: "elsewhere",
}


@dataclass
class MatchingContext:
    """What every chunk of a run needs besides its own challenges; loaded once per process
    and run, because suppliers do not change within a run."""

    codebook: Codebook
    supply: SupplyData


def matching_context_load() -> MatchingContext:
    codebook = codebook_load()
    return MatchingContext(codebook=codebook, supply=supply_load(codebook))


_cached_context: tuple[str, MatchingContext] | None = None


def matching_context_current() -> MatchingContext:
    """The context for this process, reloaded only when the suppliers, capacity or reference
    data changed: a worker recomputing one challenge after another must not reload ten
    thousand suppliers each time."""
    global _cached_context
    fingerprint = matching_inputs_fingerprint()
    if _cached_context is None or _cached_context[0] != fingerprint:
        _cached_context = (fingerprint, matching_context_load())
    return _cached_context[1]


@dataclass(frozen=True)
class SuggestionRow:
    challenge_id: int
    organisation_id: int
    rank: int
    score: float
    reasons_json: str

    @property
    def reasons(self) -> list[dict]:
        return json.loads(self.reasons_json)


def suggestions_rank(
    *, demand: DemandData, context: MatchingContext, top_n: int, balanced: bool
) -> list[SuggestionRow]:
    if demand.demand.size == 0 or context.supply.supply.size == 0:
        return []
    supply = context.supply
    ranking = engine.rank_suppliers(
        demand.demand,
        supply.supply,
        taxonomy=context.codebook.taxonomy,
        region=context.codebook.region,
        idf=supply.idf,
        top_n=top_n,
        excluded=decided_pairs(demand, supply),
    )
    rank = ranking.rank.astype(np.int32)
    if balanced:
        rank = _balanced_ranks(
            ranking, capacity=supply.supply.remaining_capacity, n=len(demand.ids)
        )
    explanation = engine.explain(
        demand.demand,
        supply.supply,
        ranking.rows,
        ranking.cols,
        taxonomy=context.codebook.taxonomy,
        idf=supply.explain_idf,
    )
    reasons = reasons_build(
        ranking=ranking,
        explanation=explanation,
        codebook=context.codebook,
        terms=supply.terms,
        meaning=engine.meaning_similarity(demand.demand, supply.supply, ranking.rows, ranking.cols),
    )
    challenge_ids = demand.ids[ranking.rows].tolist()
    organisation_ids = supply.ids[ranking.cols].tolist()
    scores = np.clip(ranking.score, 0.0, 1.0).tolist()
    return [
        SuggestionRow(
            challenge_ids[i], organisation_ids[i], int(rank[i]), round(scores[i], 4), reasons[i]
        )
        for i in range(len(challenge_ids))
    ]


def match_score_pairs(
    *, pairs: Sequence[tuple[int, int]], context: MatchingContext | None = None
) -> dict[tuple[int, int], tuple[float, list[dict]]]:
    """The matcher's score and reasons for given (challenge id, supplier id) pairs, whatever
    their rank and the supplier's remaining capacity: for pairs people chose themselves (the
    demo's decided matches), which must read as the matcher would explain them. Pairs without
    topic fit, or naming an inactive or unknown organisation, are left out. Scores every
    given challenge against every supplier: for small inputs."""
    context = context or matching_context_current()
    supply = context.supply
    wanted = {(int(c), int(o)) for c, o in pairs}
    demand = demand_load(
        context.codebook,
        Challenge.objects.filter(pk__in={c for c, _ in wanted}).order_by("pk"),
        supply.vocabulary,
    )
    row_of = {challenge_id: i for i, challenge_id in enumerate(demand.ids.tolist())}
    col_of = {organisation_id: j for j, organisation_id in enumerate(supply.ids.tolist())}
    known = sorted((c, o) for c, o in wanted if c in row_of and o in col_of)
    if not known:
        return {}
    rows = np.array([row_of[c] for c, _ in known], dtype=np.int32)
    cols = np.array([col_of[o] for _, o in known], dtype=np.int32)
    taxonomy, region = context.codebook.taxonomy, context.codebook.region
    components = engine.score_pairs(
        demand.demand, supply.supply, taxonomy=taxonomy, region=region, idf=supply.idf
    )
    fits = components["topic_fit"][rows, cols] > 0
    rows, cols = rows[fits], cols[fits]
    known = [pair for pair, fit in zip(known, fits.tolist(), strict=True) if fit]
    ranking = engine.Ranking(
        rows=rows,
        cols=cols,
        rank=np.zeros(rows.size, np.int16),
        score=components["score"][rows, cols].astype(np.float32),
        topic_fit=components["topic_fit"][rows, cols].astype(np.float32),
        region=components["region"][rows, cols].astype(np.int8),
        sector_fit=components["sector_fit"][rows, cols].astype(np.float32),
        format_fit=components["format_fit"][rows, cols].astype(np.float32),
        text_similarity=components["text_similarity"][rows, cols].astype(np.float32),
    )
    explanation = engine.explain(
        demand.demand, supply.supply, rows, cols, taxonomy=taxonomy, idf=supply.explain_idf
    )
    reasons = reasons_build(
        ranking=ranking,
        explanation=explanation,
        codebook=context.codebook,
        terms=supply.terms,
        meaning=engine.meaning_similarity(demand.demand, supply.supply, rows, cols),
    )
    scores = np.clip(ranking.score, 0.0, 1.0).tolist()
    return {
        pair: (round(score, 4), json.loads(reason))
        for pair, score, reason in zip(known, scores, reasons, strict=True)
    }


@transaction.atomic
def match_suggest_pairs(
    *, pairs: Sequence[tuple[int, int]], context: MatchingContext | None = None
) -> dict[tuple[int, int], Match]:
    """The suggestion rows for pairs a person put forward (challenge id, supplier id), as the
    matcher writes a suggestion, whatever the pair's rank: for the demo's decided matches,
    which are then decided through `match_set_status`.

    A stored pair keeps its row and its status; the matcher's score and reasons are written
    only where it has none from the current engine version, so asking again writes nothing.
    A pair without topic fit (or with an inactive or unknown organisation) is refused, as
    the matcher would never suggest it."""
    wanted = list(dict.fromkeys((int(c), int(o)) for c, o in pairs))
    stored = {
        (match.challenge_id, match.organisation_id): match
        for match in Match.objects.select_for_update().filter(
            challenge_id__in={c for c, _ in wanted},
            organisation_id__in={o for _, o in wanted},
        )
    }
    stale = [
        pair
        for pair in wanted
        if pair not in stored or stored[pair].algorithm_version != engine.ALGORITHM_VERSION
    ]
    if not stale:
        return {pair: stored[pair] for pair in wanted}
    scored = match_score_pairs(pairs=stale, context=context)
    if unfit := [pair for pair in stale if pair not in scored]:
        raise ValueError(f"No topic fit, so no suggestion, for (challenge, supplier) {unfit}.")
    now = timezone.now()
    for pair in stale:
        score, reasons = scored[pair]
        match = stored.get(pair) or Match(
            challenge_id=pair[0], organisation_id=pair[1], status=MatchStatus.SUGGESTED
        )
        match.score, match.reasons = score, reasons
        match.algorithm_version, match.computed_at = engine.ALGORITHM_VERSION, now
        match.save()
        stored[pair] = match
    return {pair: stored[pair] for pair in wanted}


def _balanced_ranks(ranking: engine.Ranking, *, capacity: np.ndarray, n: int) -> np.ndarray:
    """Put each challenge's balanced top suggestion first and shift the ones above it down."""
    top = engine.balance(ranking, capacity=capacity, n_demand=n)
    rank = ranking.rank.astype(np.int32).copy()
    chosen_rank = np.zeros(n, dtype=np.int32)
    is_chosen = (top[ranking.rows] == ranking.cols) & (top[ranking.rows] >= 0)
    chosen_rank[ranking.rows[is_chosen]] = rank[is_chosen]
    row_chosen_rank = chosen_rank[ranking.rows]
    shift = (row_chosen_rank > 0) & (rank < row_chosen_rank)
    rank[shift] += 1
    rank[is_chosen] = 1
    return rank


# A pair whose texts are this close in meaning (cosine of their embeddings) gets a reason
# quoting the supplier's sentence that fits the challenge best: the floor search by meaning
# uses (apps.semantics.embeddings.MEANING_FLOOR), chosen on the development queries of
# bench/data/semantics/search.json, where irrelevant texts have a 95th percentile of 0.14. A
# supplier saying the same in other words scores a median 0.26 (pairs.json), in another
# language less. The quote lets the reader judge the fit themselves.
MEANING_REASON_FLOOR = MEANING_FLOOR


def reasons_build(
    *,
    ranking: engine.Ranking,
    explanation: engine.Explanation,
    codebook: Codebook,
    terms: list[str],
    meaning: np.ndarray | None = None,
) -> list[str]:
    """Structured reason codes with parameters, per pair, as JSON text ready for the
    database; the UI renders them in the reader's language (apps/matching/reasons.py), e.g.
    ``[{"code": "shared_topics", "params": {"topics": ["nlp"], "related": []}}, ...]``.

    A full recompute explains a million pairs, while the combinations of topics, sectors
    and formats repeat a lot: each distinct combination is encoded once and reused."""

    def index_tuples(matrix) -> list[tuple[int, ...]]:
        matrix = matrix.tocsr()
        indices, pointers = matrix.indices.tolist(), matrix.indptr.tolist()
        return [tuple(indices[pointers[i] : pointers[i + 1]]) for i in range(matrix.shape[0])]

    def slug_list(labels: list[str]):
        @functools.cache
        def encode(indices: tuple[int, ...]) -> str:
            return json.dumps(sorted(labels[i] for i in indices))

        return encode

    topic_slugs = slug_list(codebook.topic_slugs)

    @functools.cache
    def topics_fragment(exact: tuple[int, ...], related: tuple[int, ...]) -> str:
        return (
            '{"code":"shared_topics","params":{"topics":'
            + topic_slugs(exact)
            + ',"related":'
            + topic_slugs(related)
            + "}}"
        )

    sector_slugs = slug_list(codebook.sector_slugs)
    format_slugs = slug_list(codebook.format_slugs)
    region_fragments = {
        int(code): '{"code":"region","params":{"relation":"' + name + '"}}'
        for code, name in REGION_CODES.items()
    }
    term_json = [json.dumps(term) for term in terms]
    # Stop words, fragments and numbers still count in the score but are never shown.
    term_shown = [meaningful_term(term) for term in terms]

    # Strongest shared terms first: one sort over all pairs, not one per pair.
    text = explanation.text_terms.tocoo()
    order = np.lexsort((-text.data, text.row))
    term_cols = text.col[order].tolist()
    term_pointers = np.concatenate(
        [[0], np.cumsum(np.bincount(text.row, minlength=len(ranking.rows)))]
    ).tolist()

    exact = index_tuples(explanation.exact_topics)
    related = index_tuples(explanation.related_topics)
    sectors = index_tuples(explanation.sectors)
    formats = index_tuples(explanation.formats)
    regions = ranking.region.tolist()
    fitting = (
        (meaning >= MEANING_REASON_FLOOR).tolist()
        if meaning is not None
        else [False] * len(regions)
    )
    reasons = []
    for i in range(len(regions)):
        parts = [topics_fragment(exact[i], related[i]), region_fragments[regions[i]]]
        if sectors[i]:
            parts.append(
                '{"code":"shared_sectors","params":{"sectors":' + sector_slugs(sectors[i]) + "}}"
            )
        if formats[i]:
            parts.append(
                '{"code":"shared_formats","params":{"formats":' + format_slugs(formats[i]) + "}}"
            )
        first, last = term_pointers[i], term_pointers[i + 1]
        shown_terms = [term_json[j] for j in term_cols[first:last] if term_shown[j]]
        if shown_terms:
            parts.append(
                '{"code":"shared_terms","params":{"terms":[' + ",".join(shown_terms) + "]}}"
            )
        if fitting[i]:
            # The sentence itself is found when the match is shown (apps/matching/reasons.py),
            # in the texts as they are then.
            parts.append('{"code":"fitting_sentence","params":{}}')
        reasons.append("[" + ",".join(parts) + "]")
    return reasons


def suggestions_write(*, challenge_ids: list[int], rows: list[SuggestionRow]) -> tuple[int, int]:
    """Replace the suggestions of these challenges with `rows` in bulk: COPY into a temporary
    table, delete suggestions that fell out, upsert the rest. Decided matches stay as they are;
    unchanged suggestions are not rewritten, so `computed_at` says when a suggestion last
    changed. Must run inside a transaction (the temporary table lives until commit)."""
    if not challenge_ids:
        return 0, 0
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS match_incoming ("
            " challenge_id bigint, organisation_id bigint, rank smallint, score double precision,"
            " reasons jsonb) ON COMMIT DELETE ROWS"
        )
        cursor.execute("TRUNCATE match_incoming")
        with cursor.cursor.copy(
            "COPY match_incoming (challenge_id, organisation_id, rank, score, reasons) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(
                    (row.challenge_id, row.organisation_id, row.rank, row.score, row.reasons_json)
                )
        cursor.execute(
            """
            DELETE FROM matching_match m
            WHERE m.challenge_id = ANY(%s) AND m.organisation_id IS NOT NULL
              AND m.status = %s
              AND NOT EXISTS (SELECT 1 FROM match_incoming i
                              WHERE i.challenge_id = m.challenge_id
                                AND i.organisation_id = m.organisation_id)
            """,
            [challenge_ids, MatchStatus.SUGGESTED],
        )
        removed = cursor.rowcount
        cursor.execute(
            """
            INSERT INTO matching_match (challenge_id, organisation_id, rank, score, reasons,
                                        algorithm_version, computed_at, status)
            SELECT challenge_id, organisation_id, rank, score, reasons, %s, %s, %s
            FROM match_incoming
            ON CONFLICT (challenge_id, organisation_id) WHERE organisation_id IS NOT NULL
            DO UPDATE SET rank = EXCLUDED.rank, score = EXCLUDED.score,
                          reasons = EXCLUDED.reasons,
                          algorithm_version = EXCLUDED.algorithm_version,
                          computed_at = EXCLUDED.computed_at
            WHERE matching_match.status = %s
              AND (matching_match.rank, matching_match.score, matching_match.reasons,
                   matching_match.algorithm_version)
                  IS DISTINCT FROM
                  (EXCLUDED.rank, EXCLUDED.score, EXCLUDED.reasons, EXCLUDED.algorithm_version)
            """,
            [engine.ALGORITHM_VERSION, now, MatchStatus.SUGGESTED, MatchStatus.SUGGESTED],
        )
        written = cursor.rowcount
    return written, removed


# Runs after which the organisation hears about new partners: a challenge published or
# edited, and a supplier that joined or changed. The periodic full and hub recomputes mostly
# reshuffle scores (and a bulk import of suppliers becomes one full run): they would send a
# notice to thousands of organisations at once, and cost the nightly run a query per chunk.
NEW_MATCHES_NOTIFIED_RUN_KINDS = frozenset({MatchRun.Kind.CHALLENGE, MatchRun.Kind.SUPPLIER})


# Only a new partner among the best few is news; a change at rank nine is not worth a notice.
NEW_MATCHES_NOTIFIED_TOP = 3


def challenges_gaining_top_suggestions(rows: list[SuggestionRow]) -> list[int]:
    """Challenges whose top suggestions include a partner that was not suggested before: one
    query over the incoming top pairs, made before they are written."""
    top = [row for row in rows if row.rank <= NEW_MATCHES_NOTIFIED_TOP]
    if not top:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT DISTINCT incoming.challenge_id
            FROM unnest(%s::bigint[], %s::bigint[]) AS incoming(challenge_id, organisation_id)
            WHERE NOT EXISTS (SELECT 1 FROM matching_match m
                              WHERE m.challenge_id = incoming.challenge_id
                                AND m.organisation_id = incoming.organisation_id)
            """,
            [[row.challenge_id for row in top], [row.organisation_id for row in top]],
        )
        return sorted(challenge_id for (challenge_id,) in cursor.fetchall())


def match_notify_new_suggestions(*, run_id: int, challenge_ids: Sequence[int]) -> None:
    """Tell the active members of each challenge's organisation that new partners were
    matched; once per challenge and run (the key holds the run), so a retried chunk is quiet.
    Recipients for all challenges are loaded in one query."""
    challenges = list(
        Challenge.objects.filter(pk__in=challenge_ids).only("pk", "title", "organisation_id")
    )
    members: dict[int, list] = {}
    for membership in Membership.objects.filter(
        organisation_id__in={c.organisation_id for c in challenges},
        state=Membership.State.ACTIVE,
        user__is_active=True,
    ).select_related("user"):
        members.setdefault(membership.organisation_id, []).append(membership.user)
    for challenge in challenges:
        recipients = members.get(challenge.organisation_id)
        if not recipients:
            continue
        title = challenge.title
        notify(
            recipients=recipients,
            kind=NotificationKind.NEW_MATCHES,
            text=lambda person, title=title: (
                _("New partners for “%(title)s”") % {"title": title},
                _(
                    "The matcher found new partners that fit your challenge. See why they fit, "
                    "put them on your shortlist and ask for an introduction."
                ),
            ),
            url=notice_path("challenges:matches", pk=challenge.pk),
            dedupe_key=f"challenge-{challenge.pk}-run-{run_id}",
        )


def match_rank_challenge(
    *, challenge: Challenge, top_n: int | None = None, context: MatchingContext | None = None
) -> list[SuggestionRow]:
    """The ranking for one challenge without writing it."""
    context = context or matching_context_current()
    demand = demand_load(
        context.codebook, Challenge.objects.filter(pk=challenge.pk), context.supply.vocabulary
    )
    return sorted(
        suggestions_rank(
            demand=demand, context=context, top_n=top_n or settings.MATCHING_TOP_N, balanced=False
        ),
        key=lambda row: row.rank,
    )
