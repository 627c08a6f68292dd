"""Matching engine: the pure scoring core (PRODUCT.md section 5). No Django import.

INTERFACE CONTRACT (the Django shell in services.py is written against it; keep it stable):

Everything is integer-coded by the caller:
- topics are indices 0..T-1 into `Taxonomy.topic_group` (a leaf's group index, or for a
  group topic its own group index) and `Taxonomy.is_group`;
- provinces are indices 0..P-1 into `Region.relation` (P x P int8 of RegionRelation codes
  for same province / neighbouring / same hub / elsewhere; the diagonal is SAME_PROVINCE);
- sectors 0..S-1, formats 0..F-1, text terms 0..V-1 (a shared vocabulary; the matrices hold
  raw term counts, the engine weights them with `idf`).

Sparse inputs are `scipy.sparse.csr_matrix` (binary for topics/sectors/formats, counts for
text). Row order of the outputs follows the input row order; the caller maps rows back to
database ids with its own `ids` arrays.

Scoring (rules 1-3; all weights in `Weights`)
---------------------------------------------
For a challenge c and a supplier s:

- topic fit: every topic the challenge names earns credit 1 when it is a leaf the supplier
  names exactly, `sibling` when the supplier names anything in its group (a sibling leaf
  or the group itself; a group named by the challenge can only earn this), 0 otherwise;
  fit = credits / number of challenge topics. It only looks at the challenge's topics, so
  a supplier's other expertise never lowers it. Vectorised as
  ``(sibling * Cg @ G.T + (1 - sibling) * Cl @ Sl.T) / |C|`` with Cg the challenge's topic
  count per group, G the supplier's group coverage and Cl/Sl the leaf incidences (an exact
  leaf is counted in both terms: sibling + (1 - sibling) = 1).
- region: `Region.relation[province_c, province_s]`, NATIONAL instead of ELSEWHERE for a
  supplier serving the whole country; scored by `Weights.region_scores`.
- sector fit = shared sectors / challenge sectors, format fit = wanted formats offered /
  wanted formats (0 when the challenge names none), text similarity = cosine of the
  idf-weighted, L2-normalised term-count vectors (word overlap), fused with the cosine of
  the two texts' meaning (`Demand.meaning`, `Supply.meaning`: unit sentence embeddings from
  apps.semantics, zero rows for texts not embedded yet) when both sides carry it:
  text = (1 - meaning_share) * word overlap + meaning_share * meaning similarity. Meaning is
  a dot product too, so it joins the GEMM as dense columns and the exact float64 re-scoring
  below covers it. The embeddings' cosines lie in about -0.1..0.9; the smallest topic part
  of a valid pair (0.0625) exceeds the meaning weight, so a score never drops below 0.

score = weighted sum (in [0, 1]), and 0 - "no match" - wherever topic fit is 0.

Ranking at scale (rank_suppliers, rank_demand_for)
--------------------------------------------------
Per chunk of demand rows the engine fills one dense float32 score block against all
suppliers with capacity. Every component except text is bilinear in small per-row feature
vectors (topic, sector and format fits with the challenge's normalisation folded into its
side, region as a one-hot province times the supplier's "score seen from province p"), so
one BLAS GEMM computes them all. Text terms frequent on both sides join that GEMM as dense
columns (a cost model picks them), the rest goes through a sparse product, run one chunk
ahead in a worker thread (scipy's sparse kernels release the GIL) while the main thread
does the single-threaded selection. A second small GEMM over group coverage marks pairs
without topic fit (-1), as are excluded pairs. The top N per row comes from a two-level
selection: the N-th largest maximum of interleaved column groups bounds the N-th best
from below, and only groups reaching it are searched - no full partition of every row.

float32 rounding must not decide anything: the candidates within `_EPS32` of each row's
N-th best are re-scored pair by pair in float64 with exact integer overlaps (`_Scorer`),
and ties are broken by the lower supply index. Results therefore do not depend on the
chunk size, and `Ranking.score` equals `score_pairs(...)["score"]` for the same pair.
The supplier-side preparation (tf-idf rows, incidence arrays, GEMM features) is memoised
per Supply object (identity plus a cheap content fingerprint), so ranking one challenge
after another against the same Supply costs a few milliseconds each; Supply's arrays are
treated as immutable.

Mix rule (rule 6)
-----------------
After the ranking of a row is cut to N, a row whose list is full and holds no education
partner gets the best education candidate (topic fit > 0, capacity, not excluded) in the
last slot; then a row without a nearby innovation lab (SAME_PROVINCE, NEIGHBOURING or
SAME_HUB) gets the best such lab in the last slot, or in the one above it when the last
slot holds the row's only education partner (so with N = 1 the education partner wins).
Swapped-in suggestions keep the slot they were put in - the bottom of the list - so they
do not push better-fitting suggestions down; `rank` is the final position, and within a
row the order is best first except for those swapped-in entries.

Hub-wide balance (rule 7)
-------------------------
`balance` chooses at most one top suggestion per demand row among its ranked candidates
with every supplier used at most `capacity` times. As an assignment problem: a vertex per
demand row with candidates; a supplier with capacity c that k rows list gets min(c, k)
identical slot vertices (more could never be used); an edge row - slot for every candidate
pair with cost 2 - score in [1, 2]. `scipy.sparse.csgraph.min_weight_full_bipartite_matching`
(LAPJVsp on the sparse edge list; the dense rows x slots matrix `linear_sum_assignment`
needs would be 15 000 x 10 000+ for a hub) matches one side completely, so every vertex of
that side - the smaller one, as LAPJVsp runs one augmentation per vertex of it - gets a
private dummy partner with cost s + 3 (s = size of that side). Then
total cost = 2s - total score + (s + 1) * dummy matches, and total scores lie in [0, s]:
the optimum first leaves as few rows without a top suggestion as possible, then maximises
the total score (the "large cost elsewhere" formulation: a popular supplier's slot goes to
the row that has no other option). Dummy matches become -1.
Two exact shortcuts come first: if every row's best candidate respects the capacities,
that is optimal; and a row whose best candidate is listed by no more rows than its
capacity takes it (such a supplier can serve all of them; switching a row to it never
costs a row or score), repeated while it settles rows.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import sgemm
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

ALGORITHM_VERSION = "2026.11-1"


class RegionRelation(IntEnum):
    """How a supplier's location relates to a challenge's province, closest first."""

    SAME_PROVINCE = 0
    NEIGHBOURING = 1  # land border
    SAME_HUB = 2  # provinces share an AI hub
    NATIONAL = 3  # elsewhere, but the supplier serves the whole country
    ELSEWHERE = 4


@dataclass(frozen=True)
class Weights:
    """All weights in one place. The total score is
    topic * topic_fit + region * region_score + sector * sector_fit + format * format_fit
    + text * text_similarity, each component in [0, 1] and the weights summing to 1, so the
    score is in [0, 1]."""

    topic: float = 0.50
    region: float = 0.22
    sector: float = 0.10
    format: float = 0.08
    text: float = 0.10
    # The part of `text` that meaning takes when both sides carry embeddings; the rest stays
    # word overlap (tf-idf), which still decides between texts that mean alike.
    meaning_share: float = 0.6
    # Topic fit credit for a challenge topic covered at group level (a sibling leaf, or a
    # group named on either side) instead of the exact leaf.
    sibling: float = 0.5
    # Region score per RegionRelation code.
    region_scores: tuple[float, float, float, float, float] = (1.0, 0.6, 0.6, 0.35, 0.0)


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Taxonomy:
    topic_group: np.ndarray  # int32[T]
    is_group: np.ndarray  # bool[T]

    @property
    def n_topics(self) -> int:
        return int(np.asarray(self.topic_group).shape[0])

    @property
    def n_groups(self) -> int:
        groups = np.asarray(self.topic_group)
        return int(groups.max()) + 1 if groups.size else 0


@dataclass(frozen=True)
class Region:
    relation: np.ndarray  # int8[P, P] of RegionRelation (without NATIONAL: that is per supplier)


@dataclass(frozen=True)
class Demand:
    """Challenges (or, for the lecturer direction, the items to rank)."""

    topics: sp.csr_matrix  # n x T, binary
    province: np.ndarray  # int16[n]
    sectors: sp.csr_matrix  # n x S, binary
    formats: sp.csr_matrix  # n x F, binary (wanted formats)
    text: sp.csr_matrix  # n x V, term counts
    meaning: np.ndarray | None = None  # float32[n, D] unit rows (zero: not embedded yet)

    @property
    def size(self) -> int:
        return int(self.topics.shape[0])


@dataclass(frozen=True)
class Supply:
    """Suppliers (or, for the lecturer direction, a person: no sectors/formats/text needed,
    pass empty matrices with the right shapes)."""

    topics: sp.csr_matrix  # m x T, binary
    province: np.ndarray  # int16[m]
    serves_nationally: np.ndarray  # bool[m]
    sectors: sp.csr_matrix  # m x S
    formats: sp.csr_matrix  # m x F (offered formats)
    text: sp.csr_matrix  # m x V, term counts
    remaining_capacity: np.ndarray  # int32[m]; <= 0 means "not suggested"
    is_education: np.ndarray  # bool[m]
    is_lab: np.ndarray  # bool[m] (innovation lab)
    meaning: np.ndarray | None = None  # float32[m, D] unit rows (zero: not embedded yet)

    @property
    def size(self) -> int:
        return int(self.topics.shape[0])


@dataclass(frozen=True)
class Ranking:
    """The top-N per demand row, flattened to pairs, best first within each row.

    `rows`/`cols` index Demand/Supply rows; `rank` is 1-based within a row. Entries the mix
    rule swapped in keep the bottom slots they were put in (module docstring), so a row is
    sorted by score except for those. `rank_demand_for` groups by `cols` instead."""

    rows: np.ndarray  # int32[P]
    cols: np.ndarray  # int32[P]
    rank: np.ndarray  # int16[P]
    score: np.ndarray  # float32[P] in [0, 1]
    topic_fit: np.ndarray  # float32[P]
    region: np.ndarray  # int8[P] RegionRelation code
    sector_fit: np.ndarray  # float32[P]
    format_fit: np.ndarray  # float32[P]
    text_similarity: np.ndarray  # float32[P]


@dataclass(frozen=True)
class Explanation:
    """Reason data for pairs (same order as the pairs given): which topics, sectors,
    formats and text terms are shared. Sparse rows, one per pair."""

    exact_topics: sp.csr_matrix  # P x T: challenge leaf topics the supplier names exactly
    related_topics: sp.csr_matrix  # P x T: challenge topics covered at group level only
    sectors: sp.csr_matrix  # P x S shared
    formats: sp.csr_matrix  # P x F wanted and offered
    text_terms: sp.csr_matrix  # P x V: at most `max_terms` strongest shared terms per row


# --- Tuning constants (no effect on results, only on speed and memory) ----------------------

# Margin around the float32 N-th best score within which candidates are re-scored in
# float64; far above the float32 rounding of a sum of a few hundred terms in [0, 1].
_EPS32 = 1e-4
# Invalid pairs (no topic fit, no capacity, excluded, padding) in a float32 score block.
_INVALID = -1.0
# Upper bound on the elements of one dense score block (float32: 128 MB); `chunk_size` is
# lowered to respect it.
_BLOCK_ELEMENTS = 1 << 25
# A text term goes into the dense GEMM when its sparse-product work (rows with the term on
# one side x rows with it on the other) exceeds this fraction of all pairs; measured on this
# machine: a dense column costs ~1/600 of a sparse multiply-add per pair.
_DENSE_TERM_FRACTION = 1.0 / 600
_MAX_DENSE_TERMS = 256
_MIN_ROWS_FOR_DENSE_TERMS = 256
# Below this many rows OpenBLAS's sgemm is slower than NumPy's matmul plus an add.
_MIN_ROWS_FOR_SGEMM = 64


# --- Public functions -------------------------------------------------------------------------


def idf_from_documents(text: sp.csr_matrix, *, max_df: float = 0.5) -> np.ndarray:
    """Smoothed inverse document frequency over a corpus (rows = documents); terms in more
    than `max_df` of the documents (stop-word-like) and terms in no document get weight 0."""
    counts = sp.csr_matrix(text, copy=True)
    counts.sum_duplicates()
    counts.eliminate_zeros()
    n_docs, n_terms = counts.shape
    df = np.bincount(counts.indices, minlength=n_terms).astype(np.float64)
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    idf[(df == 0) | (df > max_df * n_docs)] = 0.0
    return idf


def rank_suppliers(
    demand: Demand,
    supply: Supply,
    *,
    taxonomy: Taxonomy,
    region: Region,
    idf: np.ndarray,
    top_n: int = 10,
    excluded: tuple[np.ndarray, np.ndarray] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
    chunk_size: int = 2048,
) -> Ranking:
    """Top-N suppliers per challenge. Rules: topic fit > 0 required; remaining capacity > 0
    required; `excluded` (demand rows, supply cols) pairs never returned (decided by people);
    the mix rule (at least one education partner; at least one innovation lab with region
    relation SAME_PROVINCE/NEIGHBOURING/SAME_HUB where such a fitting lab exists) applied by
    swapping in the best qualifying candidates at the lowest ranks. Processed in chunks of
    demand rows so memory stays bounded; vectorised within a chunk."""
    scorer = _Scorer(demand, supply, taxonomy=taxonomy, region=region, idf=idf, weights=weights)
    active = np.flatnonzero(np.asarray(supply.remaining_capacity) > 0)
    n = demand.size
    k = min(int(top_n), active.size)
    if n == 0 or k <= 0:
        return _empty_ranking()
    block = _Block(scorer, left_is_demand=True, right_rows=active)
    chunk = max(1, min(int(chunk_size), _BLOCK_ELEMENTS // block.width))
    exclusions = _Exclusions(excluded, n_supply=supply.size, right_rows=active)
    edu_local = np.flatnonzero(scorer.s_education[active])
    lab_local = np.flatnonzero(scorer.s_lab[active])
    parts = []
    for lo, scores in _score_blocks(block, n, chunk):
        exclusions.apply(scores, lo, lo + scores.shape[0])
        table = _top_table(scores, k, block, lo, scorer)
        _apply_mix_rule(table, scores, lo, block, edu_local, lab_local, scorer)
        parts.append(table.pairs())
    return _concat_rankings(parts, by_rows=True)


def rank_demand_for(
    demand: Demand,
    supply: Supply,
    *,
    taxonomy: Taxonomy,
    region: Region,
    idf: np.ndarray,
    top_n: int = 20,
    weights: Weights = DEFAULT_WEIGHTS,
) -> Ranking:
    """The other direction (lecturers): for each Supply row (a person), the top-N Demand
    rows (challenges or communities). Same scoring; no capacity or mix rule. In the result,
    `rows` index Demand and `cols` index Supply, as everywhere."""
    scorer = _Scorer(demand, supply, taxonomy=taxonomy, region=region, idf=idf, weights=weights)
    m, n = supply.size, demand.size
    k = min(int(top_n), n)
    if m == 0 or k <= 0:
        return _empty_ranking()
    block = _Block(scorer, left_is_demand=False, right_rows=np.arange(n))
    chunk = max(1, min(2048, _BLOCK_ELEMENTS // block.width))
    parts = [
        _top_table(scores, k, block, lo, scorer).pairs()
        for lo, scores in _score_blocks(block, m, chunk)
    ]
    return _concat_rankings(parts, by_rows=False)


def score_pairs(
    demand: Demand,
    supply: Supply,
    *,
    taxonomy: Taxonomy,
    region: Region,
    idf: np.ndarray,
    weights: Weights = DEFAULT_WEIGHTS,
) -> dict[str, np.ndarray]:
    """Dense n x m component matrices {"score", "topic_fit", "region", "sector_fit",
    "format_fit", "text_similarity"} for small inputs (tests, single challenge); `score` is 0
    where topic fit is 0."""
    s = _Scorer(demand, supply, taxonomy=taxonomy, region=region, idf=idf, weights=weights)
    d_groups = s.d_groups.astype(np.float64)
    s_groups = s.s_groups.astype(np.float64)
    group_hits = d_groups @ s_groups.T
    leaf_hits = s.d_leaves.astype(np.float64) @ s.s_leaves.astype(np.float64).T
    sector_hits = s.d_sectors.astype(np.float64) @ s.s_sectors.astype(np.float64).T
    format_hits = s.d_formats.astype(np.float64) @ s.s_formats.astype(np.float64).T
    code = s.region_code(
        np.repeat(np.arange(demand.size), supply.size),
        np.tile(np.arange(supply.size), demand.size),
    ).reshape(demand.size, supply.size)
    text = (s.d_text @ s.s_text.T).toarray()
    if s.meaning:
        meaning = s.d_meaning.astype(np.float64) @ s.s_meaning.astype(np.float64).T
        text = (1.0 - s.meaning_share) * text + s.meaning_share * meaning
    comp = s.combine(
        group_hits=group_hits,
        leaf_hits=leaf_hits,
        n_topics=s.d_n_topics[:, None],
        code=code,
        sector_hits=sector_hits,
        n_sectors=s.d_n_sectors[:, None],
        format_hits=format_hits,
        n_formats=s.d_n_formats[:, None],
        text=text,
    )
    return {
        "score": comp.score,
        "topic_fit": comp.topic_fit,
        "region": comp.region.astype(np.int8),
        "sector_fit": comp.sector_fit,
        "format_fit": comp.format_fit,
        "text_similarity": comp.text,
    }


def explain(
    demand: Demand,
    supply: Supply,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    taxonomy: Taxonomy,
    idf: np.ndarray,
    max_terms: int = 3,
) -> Explanation:
    """Reason data for the given pairs, vectorised (sparse elementwise products)."""
    # Work on the distinct rows and suppliers the pairs name only: one challenge's ten
    # suggestions must not transform all suppliers.
    unique_rows, rows = np.unique(np.asarray(rows, dtype=np.intp), return_inverse=True)
    unique_cols, cols = np.unique(np.asarray(cols, dtype=np.intp), return_inverse=True)
    n_topics = taxonomy.n_topics
    membership = _membership(taxonomy)
    challenge_topics = _binary(demand.topics[unique_rows])[rows]
    supplier_topics = _binary(supply.topics[unique_cols])
    leaf = sp.diags((~np.asarray(taxonomy.is_group, bool)).astype(np.float32))
    exact = challenge_topics.multiply(supplier_topics[cols]).tocsr() @ leaf
    # (s, t) > 0: the supplier names some topic in t's group.
    covers = _binary((supplier_topics @ membership) @ membership.T)
    related = challenge_topics.multiply(covers[cols]).tocsr() - exact
    sectors = _binary(demand.sectors[unique_rows])[rows].multiply(
        _binary(supply.sectors[unique_cols])[cols]
    )
    formats = _binary(demand.formats[unique_rows])[rows].multiply(
        _binary(supply.formats[unique_cols])[cols]
    )
    idf = np.asarray(idf, dtype=np.float64)
    shared = (
        _tfidf(demand.text[unique_rows], idf)[rows]
        .multiply(_tfidf(supply.text[unique_cols], idf)[cols])
        .tocsr()
    )
    return Explanation(
        exact_topics=_as_flags(exact, (rows.size, n_topics)),
        related_topics=_as_flags(related, (rows.size, n_topics)),
        sectors=_as_flags(sectors, (rows.size, demand.sectors.shape[1])),
        formats=_as_flags(formats, (rows.size, demand.formats.shape[1])),
        text_terms=_strongest_per_row(shared, int(max_terms)),
    )


def meaning_similarity(
    demand: Demand, supply: Supply, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray | None:
    """Cosine of the two texts' meaning for the given pairs (0 where a side is not embedded
    yet); None when a side carries no meaning at all."""
    if demand.meaning is None or supply.meaning is None:
        return None
    rows, cols = np.asarray(rows, np.intp), np.asarray(cols, np.intp)
    d_meaning = np.asarray(demand.meaning, np.float32)
    s_meaning = np.asarray(supply.meaning, np.float32)
    return np.einsum("ij,ij->i", d_meaning[rows], s_meaning[cols])


def balance(ranking: Ranking, *, capacity: np.ndarray, n_demand: int) -> np.ndarray:
    """Hub-wide balance: choose for every demand row one top suggestion (a supply col, or -1)
    among its ranked candidates so that no supplier is the top suggestion of more rows than
    its capacity, maximising the total score. Returns int32[n_demand]. Formulation in the
    module docstring (assignment with capacity-replicated supplier columns, solved by
    scipy.sparse.csgraph.min_weight_full_bipartite_matching on the sparse candidate edges;
    fewest rows without a suggestion first, then the highest total score)."""
    chosen = np.full(int(n_demand), -1, dtype=np.int32)
    capacity = np.asarray(capacity, dtype=np.int64).copy()
    rows = np.asarray(ranking.rows, dtype=np.int64)
    cols = np.asarray(ranking.cols, dtype=np.int64)
    score = np.asarray(ranking.score, dtype=np.float64)
    usable = capacity[cols] > 0
    rows, cols, score = rows[usable], cols[usable], score[usable]
    if rows.size == 0:
        return chosen
    # Best candidate first within each row; a repeated pair keeps its best score.
    order = np.lexsort((cols, -score, rows))
    rows, cols, score = rows[order], cols[order], score[order]
    first_of_pair = np.unique(rows * (int(cols.max()) + 1) + cols, return_index=True)[1]
    first_of_pair.sort()
    rows, cols, score = rows[first_of_pair], cols[first_of_pair], score[first_of_pair]

    best_rows, best_cols = _firsts(rows, cols)
    if np.all(np.bincount(best_cols, minlength=capacity.size) <= capacity):
        chosen[best_rows] = best_cols
        return chosen
    # Exact reductions: a supplier listed by no more rows than its capacity can serve all of
    # them at once ("free"). A row never needs a candidate ranked below its first free one
    # (switching to that one costs no row and no score), and a row whose best candidate is
    # free takes it. Dropping pairs frees more suppliers: repeat until nothing changes.
    while rows.size:
        is_free = (np.bincount(cols, minlength=capacity.size) <= capacity)[cols]
        free_so_far = np.cumsum(is_free)
        row_first = np.r_[True, rows[1:] != rows[:-1]]
        start = np.maximum.accumulate(np.where(row_first, np.arange(rows.size), 0))
        free_before = free_so_far - is_free - (free_so_far[start] - is_free[start])
        keep = free_before == 0
        settled = row_first & is_free
        if keep.all() and not settled.any():
            break
        settled_rows, settled_cols = rows[settled], cols[settled]
        chosen[settled_rows] = settled_cols
        capacity -= np.bincount(settled_cols, minlength=capacity.size)
        keep &= ~np.isin(rows, settled_rows)
        rows, cols, score = rows[keep], cols[keep], score[keep]
    if rows.size:
        row_ids, slot_supplier, matched_rows, matched_slots = _assignment(
            rows, cols, score, capacity
        )
        chosen[row_ids[matched_rows]] = slot_supplier[matched_slots]
    return chosen


def _firsts(rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first pair of each run of equal rows (the best, as the pairs are sorted)."""
    start = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    return rows[start], cols[start]


def _assignment(rows, cols, score, capacity):
    """Solve the balance assignment (module docstring) on candidate pairs sorted by row.
    Returns (row ids, supplier per slot, matched row positions, matched slots)."""
    row_ids, row_of_pair = np.unique(rows, return_inverse=True)
    col_ids, col_of_pair = np.unique(cols, return_inverse=True)
    slots = np.minimum(capacity[col_ids], np.bincount(col_of_pair))
    slot_start = np.cumsum(slots) - slots
    n_rows, n_slots = row_ids.size, int(slots.sum())
    per_pair = slots[col_of_pair]
    edge_pair = np.repeat(np.arange(rows.size), per_pair)
    edge_offset = np.arange(edge_pair.size) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    edge_rows = row_of_pair[edge_pair]
    edge_slots = slot_start[col_of_pair[edge_pair]] + edge_offset
    edge_cost = 2.0 - score[edge_pair]
    slot_supplier = np.repeat(col_ids, slots)
    # LAPJVsp runs one augmentation per vertex of the side it matches fully: give that
    # role to the smaller side, each of its vertices with a private dummy partner.
    small, large = (n_rows, n_slots) if n_rows <= n_slots else (n_slots, n_rows)
    small_end, large_end = (edge_rows, edge_slots) if n_rows <= n_slots else (edge_slots, edge_rows)
    graph = sp.csr_matrix(
        (
            np.concatenate([edge_cost, np.full(small, float(small + 3))]),
            (
                np.concatenate([small_end, np.arange(small)]),
                np.concatenate([large_end, large + np.arange(small)]),
            ),
        ),
        shape=(small, large + small),
    )
    matched_small, matched_large = min_weight_full_bipartite_matching(graph)
    real = matched_large < large
    if n_rows <= n_slots:
        return row_ids, slot_supplier, matched_small[real], matched_large[real]
    return row_ids, slot_supplier, matched_large[real], matched_small[real]


def reference_scores(
    demand: Demand,
    supply: Supply,
    *,
    taxonomy: Taxonomy,
    region: Region,
    idf: np.ndarray,
    weights: Weights = DEFAULT_WEIGHTS,
) -> np.ndarray:
    """The same total scores computed by the plainest dense NumPy/SciPy expressions, for the
    benchmark's `reference_s` and for tests (must equal `score_pairs(...)["score"]`)."""
    w = weights
    challenge_topics = demand.topics.toarray() != 0
    supplier_topics = supply.topics.toarray() != 0
    topic_group = np.asarray(taxonomy.topic_group)
    is_leaf = ~np.asarray(taxonomy.is_group, dtype=bool)
    in_group = topic_group[:, None] == np.arange(taxonomy.n_groups)[None, :]
    supplier_groups = (supplier_topics.astype(np.float64) @ in_group) > 0
    # What each supplier earns on each topic a challenge may name: 1 for the exact leaf,
    # `sibling` for anything else in the topic's group.
    credit = np.maximum(
        (supplier_topics & is_leaf).astype(np.float64),
        w.sibling * supplier_groups[:, topic_group],
    )
    n_topics = challenge_topics.sum(axis=1, keepdims=True)
    topic_fit = (challenge_topics @ credit.T) / np.maximum(n_topics, 1)

    code = np.asarray(region.relation)[
        np.asarray(demand.province)[:, None], np.asarray(supply.province)[None, :]
    ].astype(np.int64)
    national = np.asarray(supply.serves_nationally, dtype=bool)[None, :]
    code = np.where(national & (code == RegionRelation.ELSEWHERE), RegionRelation.NATIONAL, code)
    region_score = np.asarray(w.region_scores, dtype=np.float64)[code]

    def overlap_fit(wanted: sp.csr_matrix, offered: sp.csr_matrix) -> np.ndarray:
        a = (wanted.toarray() != 0).astype(np.float64)
        b = (offered.toarray() != 0).astype(np.float64)
        return (a @ b.T) / np.maximum(a.sum(axis=1, keepdims=True), 1)

    def tfidf(counts: sp.csr_matrix) -> np.ndarray:
        # Columns beyond len(idf) are ignored, missing ones count as zero (as in the engine).
        counts = sp.csr_matrix(counts, dtype=np.float64)[:, : len(idf)]
        counts.resize((counts.shape[0], len(idf)))
        dense = counts.toarray()
        dense *= np.asarray(idf, dtype=np.float64)
        norm = np.linalg.norm(dense, axis=1, keepdims=True)
        dense /= np.where(norm > 0, norm, 1.0)
        return dense

    text = tfidf(demand.text) @ tfidf(supply.text).T
    if demand.meaning is not None and supply.meaning is not None:
        meaning = np.asarray(demand.meaning, np.float64) @ np.asarray(supply.meaning, np.float64).T
        text = (1.0 - w.meaning_share) * text + w.meaning_share * meaning
    score = (
        w.topic * topic_fit
        + w.region * region_score
        + w.sector * overlap_fit(demand.sectors, supply.sectors)
        + w.format * overlap_fit(demand.formats, supply.formats)
        + w.text * text
    )
    return np.where(topic_fit > 0, score, 0.0)


# --- Preparation and exact per-pair scoring ---------------------------------------------------


@dataclass
class _Components:
    score: np.ndarray
    topic_fit: np.ndarray
    region: np.ndarray
    sector_fit: np.ndarray
    format_fit: np.ndarray
    text: np.ndarray


class _Scorer:
    """Both sides as small integer/boolean arrays plus normalised tf-idf rows, and the exact
    float64 scoring of arbitrary (demand, supply) pairs that every ranking is decided by."""

    def __init__(
        self,
        demand: Demand,
        supply: Supply,
        *,
        taxonomy: Taxonomy,
        region: Region,
        idf: np.ndarray,
        weights: Weights,
    ) -> None:
        _check_inputs(demand, supply, taxonomy, region)
        self.weights = weights
        # Meaning counts when both sides carry it; the text weight is then split.
        self.meaning = demand.meaning is not None and supply.meaning is not None
        self.meaning_share = weights.meaning_share if self.meaning else 0.0
        self.tfidf_weight = weights.text * (1.0 - self.meaning_share)
        self.meaning_weight = weights.text * self.meaning_share
        self.d_meaning = np.asarray(demand.meaning, np.float32) if self.meaning else None
        self.s_meaning = np.asarray(supply.meaning, np.float32) if self.meaning else None
        self.relation = np.asarray(region.relation, dtype=np.int8)
        self.region_scores = np.asarray(weights.region_scores, dtype=np.float64)
        idf = np.asarray(idf, dtype=np.float64)
        d = _side(demand.topics, demand.sectors, demand.formats, demand.text, taxonomy, idf)
        # Challenge: how many of its topics fall in each group; supplier: does it cover it.
        self.d_groups = d.groups
        self.d_leaves = d.leaves
        self.d_sectors = d.sectors
        self.d_formats = d.formats
        self.d_text = d.text
        self.d_n_topics = d.n_topics
        self.d_n_sectors = self.d_sectors.sum(axis=1)
        self.d_n_formats = self.d_formats.sum(axis=1)
        # The supplier side is the same for every challenge: a repeated call with the same
        # Supply (a single challenge after another) reuses it.
        self.supply = supply
        self.supply_key = (
            *_fingerprint(
                supply.topics,
                supply.sectors,
                supply.formats,
                supply.text,
                idf,
                np.asarray(taxonomy.topic_group),
                np.asarray(taxonomy.is_group),
            ),
            _dense_key(self.s_meaning),
            self.meaning_share,
        )
        s = _memo(
            supply,
            "side",
            self.supply_key,
            lambda: _side(
                supply.topics, supply.sectors, supply.formats, supply.text, taxonomy, idf
            ),
        )
        self.s_groups = (s.groups > 0).astype(np.int16)
        self.s_leaves = s.leaves
        self.s_sectors = s.sectors
        self.s_formats = s.formats
        self.s_text = s.text
        self.d_province = np.asarray(demand.province, dtype=np.intp)
        self.s_province = np.asarray(supply.province, dtype=np.intp)
        self.s_national = np.asarray(supply.serves_nationally, dtype=bool)
        self.s_education = np.asarray(supply.is_education, dtype=bool)
        self.s_lab = np.asarray(supply.is_lab, dtype=bool)

    def region_code(self, d: np.ndarray, s: np.ndarray) -> np.ndarray:
        code = self.relation[self.d_province[d], self.s_province[s]]
        national = self.s_national[s] & (code == RegionRelation.ELSEWHERE)
        return np.where(national, np.int8(RegionRelation.NATIONAL), code)

    def combine(
        self,
        *,
        group_hits,
        leaf_hits,
        n_topics,
        code,
        sector_hits,
        n_sectors,
        format_hits,
        n_formats,
        text,
    ) -> _Components:
        """One formula for pairs and for dense matrices (same float operations)."""
        w = self.weights
        topic_fit = _ratio(w.sibling * group_hits + (1.0 - w.sibling) * leaf_hits, n_topics)
        sector_fit = _ratio(sector_hits * 1.0, n_sectors)
        format_fit = _ratio(format_hits * 1.0, n_formats)
        region_score = self.region_scores[code]
        score = (
            w.topic * topic_fit
            + w.region * region_score
            + w.sector * sector_fit
            + w.format * format_fit
            + w.text * text
        )
        score = np.where(topic_fit > 0, score, 0.0)
        return _Components(score, topic_fit, code, sector_fit, format_fit, text)

    def pairs(self, d: np.ndarray, s: np.ndarray) -> _Components:
        """Exact components for pairs (d[i], s[i]), vectorised over the pairs."""
        group_hits = np.einsum("ij,ij->i", self.d_groups[d], self.s_groups[s])
        leaf_hits = np.count_nonzero(self.d_leaves[d] & self.s_leaves[s], axis=1)
        sector_hits = np.count_nonzero(self.d_sectors[d] & self.s_sectors[s], axis=1)
        format_hits = np.count_nonzero(self.d_formats[d] & self.s_formats[s], axis=1)
        if d.size:
            text = np.asarray(self.d_text[d].multiply(self.s_text[s]).sum(axis=1)).ravel()
        else:
            text = np.zeros(0)
        if self.meaning:
            # Accumulated in float64 without float64 copies of the rows (3x faster).
            meaning = np.einsum("ij,ij->i", self.d_meaning[d], self.s_meaning[s], dtype=np.float64)
            text = (1.0 - self.meaning_share) * text + self.meaning_share * meaning
        return self.combine(
            group_hits=group_hits,
            leaf_hits=leaf_hits,
            n_topics=self.d_n_topics[d],
            code=self.region_code(d, s),
            sector_hits=sector_hits,
            n_sectors=self.d_n_sectors[d],
            format_hits=format_hits,
            n_formats=self.d_n_formats[d],
            text=text,
        )

    def near_labs(self, d: np.ndarray, s: np.ndarray) -> np.ndarray:
        """Innovation labs in the same province, a neighbouring one or the same hub."""
        code = self.relation[self.d_province[d], self.s_province[s]]
        return self.s_lab[s] & (code <= RegionRelation.SAME_HUB)


class _Block:
    """Dense float32 score blocks "left rows x all right rows" for one ranking direction.

    Left = demand (rank_suppliers) or supply (rank_demand_for). Everything but the sparse
    text terms is one GEMM of feature rows, with the challenge-side normalisations and
    weights on the demand side. The right side is padded with empty rows to a multiple of
    the selection group count; padding is never valid."""

    def __init__(self, scorer: _Scorer, *, left_is_demand: bool, right_rows: np.ndarray):
        self.scorer = scorer
        self.left_is_demand = left_is_demand
        self.right_rows = right_rows
        w = scorer.weights
        n_right = right_rows.size
        if left_is_demand:
            left_text, right_text = scorer.d_text, scorer.s_text
        else:
            left_text, right_text = scorer.s_text, scorer.d_text
        self.width = _padded_width(n_right)
        pad = self.width - n_right
        # Few left rows (a single challenge): no dense terms, no transposed or weighted
        # copies of the other side's text; its product with the left rows is small.
        self.small = left_text.shape[0] < _MIN_ROWS_FOR_DENSE_TERMS
        if self.small:
            dense_terms = None
            self.left_text, self.right_text = left_text, right_text
        else:
            if n_right != right_text.shape[0]:
                right_text = right_text[right_rows]
            dense_terms, sparse_terms = _split_terms(left_text, right_text)
            # The demand side carries the text weight.
            tfidf = scorer.tfidf_weight
            left_weight, right_weight = (tfidf, 1.0) if left_is_demand else (1.0, tfidf)
            self.left_text = (left_text[:, sparse_terms] * left_weight).astype(np.float32)
            right_sparse = (right_text[:, sparse_terms] * right_weight).astype(np.float32)
            padding = sp.csr_matrix((pad, right_sparse.shape[1]), dtype=np.float32)
            self.right_text_t = sp.vstack([right_sparse, padding]).T.tocsr()
        self.left_dense = None if dense_terms is None else left_text[:, dense_terms]
        right_dense = None if dense_terms is None else right_text[:, dense_terms]
        # Validity: topic fit > 0 exactly when a challenge group meets a supplier group
        # (or, without sibling credit, an exact leaf).
        if w.sibling > 0:
            d_mask, s_mask = scorer.d_groups > 0, scorer.s_groups > 0
        else:
            d_mask, s_mask = scorer.d_leaves, scorer.s_leaves
        if left_is_demand:
            self.left_mask = _left_validity(d_mask)

            def right_side():
                features = _supply_features(scorer, right_rows, right_dense)
                return (
                    _padded(features, self.width),
                    _right_validity(s_mask[right_rows], self.width),
                )

            if self.small:  # the same for every single challenge against this Supply
                key = _fingerprint(
                    right_rows, scorer.relation, scorer.s_province, scorer.s_national
                )
                key = (scorer.supply_key, key, w)
                self.right, self.right_mask = _memo(scorer.supply, "right", key, right_side)
            else:
                self.right, self.right_mask = right_side()
        else:
            self.left_mask = _left_validity(s_mask)
            features = _demand_features(scorer, right_rows, right_dense)
            self.right = _padded(features, self.width)
            self.right_mask = _right_validity(d_mask[right_rows], self.width)

    def text_product(self, lo: int, hi: int):
        """The sparse text part of rows lo:hi (run ahead in a worker thread)."""
        if self.small or not self.left_text[lo:hi].nnz or not self.right_text_t.nnz:
            return None
        return self.left_text[lo:hi] @ self.right_text_t

    def fill(
        self, lo: int, hi: int, text, scores: np.ndarray, work: np.ndarray, after_gemm=None
    ) -> np.ndarray:
        rows = np.arange(lo, hi)
        left_dense = None if self.left_dense is None else self.left_dense[lo:hi]
        if self.left_is_demand:
            left = _demand_features(self.scorer, rows, left_dense)
        else:
            left = _supply_features(self.scorer, rows, left_dense)
        if self.small:
            scores[:] = 0.0
            product = (self.right_text @ self.left_text[lo:hi].T).toarray()
            scores[:, : self.right_rows.size] = (
                self.scorer.tfidf_weight * product[self.right_rows].T
            )
        elif text is not None:
            text.toarray(out=scores)
        else:
            scores[:] = 0.0
        if hi - lo >= _MIN_ROWS_FOR_SGEMM:
            # scores += left @ right.T in place (BLAS sees the Fortran-ordered transpose).
            sgemm(1.0, self.right.T, left.T, beta=1.0, c=scores.T, trans_a=True, overwrite_c=True)
        else:
            scores += np.matmul(left, self.right.T, out=work)
        # work = 4 * overlaps - 1: -1 (= _INVALID) without overlap, >= 3 > any score with.
        np.matmul(self.left_mask[lo:hi], self.right_mask.T, out=work)
        if after_gemm is not None:
            after_gemm()
        np.minimum(scores, work, out=scores)
        return scores

    def pair_indices(self, lo: int, local_rows: np.ndarray, local_cols: np.ndarray):
        """(demand, supply) indices of block entries."""
        left = lo + local_rows
        right = self.right_rows[local_cols]
        return (left, right) if self.left_is_demand else (right, left)


def _demand_features(scorer: _Scorer, rows: np.ndarray, text_dense) -> np.ndarray:
    """Demand-side GEMM features: [groups | leaves | sectors | formats | province | text]."""
    w = scorer.weights
    n_provinces = scorer.relation.shape[0]
    per_topic = w.topic * _ratio(1.0, scorer.d_n_topics[rows])[:, None]
    parts = [
        w.sibling * per_topic * scorer.d_groups[rows],
        (1.0 - w.sibling) * per_topic * scorer.d_leaves[rows],
        w.sector * scorer.d_sectors[rows] * _ratio(1.0, scorer.d_n_sectors[rows])[:, None],
        w.format * scorer.d_formats[rows] * _ratio(1.0, scorer.d_n_formats[rows])[:, None],
        w.region * (scorer.d_province[rows][:, None] == np.arange(n_provinces)[None, :]),
    ]
    if text_dense is not None:
        parts.append(scorer.tfidf_weight * text_dense.toarray())
    if scorer.meaning:
        parts.append(scorer.meaning_weight * scorer.d_meaning[rows])
    return np.hstack(parts, dtype=np.float32)


def _supply_features(scorer: _Scorer, rows: np.ndarray, text_dense) -> np.ndarray:
    """Supply-side GEMM features; the province block holds the supplier's region score as
    seen from each province."""
    code = scorer.relation[:, scorer.s_province[rows]].T
    national = scorer.s_national[rows][:, None] & (code == RegionRelation.ELSEWHERE)
    code = np.where(national, np.int8(RegionRelation.NATIONAL), code)
    parts = [
        scorer.s_groups[rows],
        scorer.s_leaves[rows],
        scorer.s_sectors[rows],
        scorer.s_formats[rows],
        scorer.region_scores[code],
    ]
    if text_dense is not None:
        parts.append(text_dense.toarray())
    if scorer.meaning:
        parts.append(scorer.s_meaning[rows])
    return np.hstack(parts, dtype=np.float32)


def _score_blocks(block: _Block, n_left: int, chunk: int) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, score block) per chunk of left rows; the buffers are reused, and the
    sparse text product of the next chunk runs in a worker thread meanwhile (scipy's sparse
    kernels release the GIL, most of the rest is single-threaded NumPy)."""
    chunk = max(1, min(chunk, n_left))
    scores_buf = np.empty((chunk, block.width), np.float32)
    work_buf = np.empty((chunk, block.width), np.float32)
    if n_left <= chunk:
        scores, work = scores_buf[:n_left], work_buf[:n_left]
        yield 0, block.fill(0, n_left, block.text_product(0, n_left), scores, work)
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(block.text_product, 0, chunk)
        for lo in range(0, n_left, chunk):
            hi = min(n_left, lo + chunk)
            text = pending.result()

            def start_next(hi=hi):
                # Started once the chunk's GEMMs (which use every core) are done, so the
                # product overlaps the single-threaded selection instead.
                nonlocal pending
                if hi < n_left:
                    pending = pool.submit(block.text_product, hi, min(n_left, hi + chunk))

            scores = scores_buf[: hi - lo]
            block.fill(lo, hi, text, scores, work_buf[: hi - lo], after_gemm=start_next)
            del text
            yield lo, scores


# --- Top-N selection ----------------------------------------------------------------------


class _Table:
    """A chunk's top-N as dense (rows x k) arrays, -1 where a row has fewer candidates."""

    def __init__(self, n_rows: int, k: int, left_is_demand: bool) -> None:
        self.k = k
        self.left_is_demand = left_is_demand
        self.demand = np.full((n_rows, k), -1, dtype=np.int64)
        self.supply = np.full((n_rows, k), -1, dtype=np.int64)
        self.score = np.zeros((n_rows, k))
        self.topic_fit = np.zeros((n_rows, k))
        self.region = np.zeros((n_rows, k), dtype=np.int8)
        self.sector_fit = np.zeros((n_rows, k))
        self.format_fit = np.zeros((n_rows, k))
        self.text = np.zeros((n_rows, k))

    def put(self, rows, slots, d, s, comp: _Components, index=None) -> None:
        take = slice(None) if index is None else index
        self.demand[rows, slots] = d
        self.supply[rows, slots] = s
        self.score[rows, slots] = comp.score[take]
        self.topic_fit[rows, slots] = comp.topic_fit[take]
        self.region[rows, slots] = comp.region[take]
        self.sector_fit[rows, slots] = comp.sector_fit[take]
        self.format_fit[rows, slots] = comp.format_fit[take]
        self.text[rows, slots] = comp.text[take]

    def pairs(self) -> Ranking:
        filled = self.supply >= 0
        rank = np.broadcast_to(np.arange(1, self.k + 1), filled.shape)[filled]
        return Ranking(
            rows=self.demand[filled].astype(np.int32),
            cols=self.supply[filled].astype(np.int32),
            rank=rank.astype(np.int16),
            score=self.score[filled].astype(np.float32),
            topic_fit=self.topic_fit[filled].astype(np.float32),
            region=self.region[filled].astype(np.int8),
            sector_fit=self.sector_fit[filled].astype(np.float32),
            format_fit=self.format_fit[filled].astype(np.float32),
            text_similarity=self.text[filled].astype(np.float32),
        )


def _top_table(scores: np.ndarray, k: int, block: _Block, lo: int, scorer: _Scorer) -> _Table:
    """The exact top-k per row of a score block (ties: lower right index first)."""
    n_rows = scores.shape[0]
    rows, cols, values = _candidates(scores, k)
    rows, cols = _trim(rows, cols, values, k, n_rows)
    d, s = block.pair_indices(lo, rows, cols)
    comp = scorer.pairs(d, s)
    right = s if block.left_is_demand else d
    valid = comp.topic_fit > 0
    order = np.lexsort((right[valid], -comp.score[valid], rows[valid]))
    index = np.flatnonzero(valid)[order]
    slot = _position_in_group(rows[index])
    keep = slot < k
    index, slot = index[keep], slot[keep]
    table = _Table(n_rows, k, block.left_is_demand)
    table.put(rows[index], slot, d[index], s[index], comp, index)
    return table


def _candidates(scores: np.ndarray, k: int):
    """All valid entries within _EPS32 of each row's k-th best (float32), found without a
    full partition. Columns are split into interleaved groups (column j in group
    j % n_groups, so the group maxima are one vectorised maximum over contiguous rows); the
    k-th largest group maximum bounds the k-th largest entry from below, and only groups
    whose maximum reaches that bound can hold candidates."""
    n_rows, width = scores.shape
    n_groups = _group_count(width, k)
    if n_groups <= k:
        rows, cols = np.nonzero(scores >= np.float32(_INVALID / 2))
        return rows, cols, scores[rows, cols]
    grouped = scores.reshape(n_rows, width // n_groups, n_groups)
    group_max = grouped.max(axis=1)
    kth = np.partition(group_max, n_groups - k, axis=1)[:, n_groups - k]
    floor = np.maximum(kth - _EPS32, _INVALID / 2).astype(np.float32)
    sel_rows, sel_groups = np.nonzero(group_max >= floor[:, None])
    picked = grouped[sel_rows, :, sel_groups]
    hit, position = np.nonzero(picked >= floor[sel_rows][:, None])
    cols = position * n_groups + sel_groups[hit]
    return sel_rows[hit], cols, picked[hit, position]


def _trim(rows, cols, values, k: int, n_rows: int):
    """Keep, per row, the candidates within _EPS32 of the float32 k-th best."""
    order = np.lexsort((-values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    slot = _position_in_group(rows)
    kth = np.full(n_rows, -np.inf, dtype=np.float32)
    at_k = slot == k - 1
    kth[rows[at_k]] = values[at_k]
    keep = values >= kth[rows] - np.float32(_EPS32)
    return rows[keep], cols[keep]


def _best_in_columns(
    scores: np.ndarray,
    rows: np.ndarray,
    local_cols: np.ndarray,
    block: _Block,
    lo: int,
    scorer: _Scorer,
    allowed: np.ndarray | None = None,
):
    """Per given block row, the exact best valid entry among `local_cols` (where the
    rows x cols mask `allowed` holds). Returns (rows, demand, supply, components, index) for
    the rows that have one."""
    if rows.size == 0 or local_cols.size == 0:
        return None
    sub = scores[np.ix_(rows, local_cols)]
    if allowed is not None:
        sub[~allowed] = _INVALID
    best = sub.max(axis=1)
    floor = np.maximum(best - _EPS32, _INVALID / 2).astype(np.float32)
    r, c = np.nonzero(sub >= floor[:, None])
    if r.size == 0:
        return None
    d, s = block.pair_indices(lo, rows[r], local_cols[c])
    comp = scorer.pairs(d, s)
    valid = np.flatnonzero(comp.topic_fit > 0)
    order = valid[np.lexsort((s[valid], -comp.score[valid], r[valid]))]
    first = order[_position_in_group(r[order]) == 0]
    return rows[r[first]], d[first], s[first], comp, first


def _apply_mix_rule(table, scores, lo, block, edu_local, lab_local, scorer) -> None:
    """Rule 6 (see the module docstring): education partner first, then a nearby lab."""
    k = table.k
    full = table.supply[:, k - 1] >= 0
    filled = table.supply >= 0
    supply = np.where(filled, table.supply, 0)
    is_edu = scorer.s_education[supply] & filled
    need_edu = np.flatnonzero(full & ~is_edu.any(axis=1))
    found = _best_in_columns(scores, need_edu, edu_local, block, lo, scorer)
    if found is not None:
        rows, d, s, comp, index = found
        table.put(rows, k - 1, d, s, comp, index)

    filled = table.supply >= 0
    supply = np.where(filled, table.supply, 0)
    demand = np.where(filled, table.demand, 0)
    is_edu = scorer.s_education[supply] & filled
    near = scorer.near_labs(demand.ravel(), supply.ravel()).reshape(filled.shape) & filled
    need_lab = np.flatnonzero(full & ~near.any(axis=1))
    # Labs near each province (relation without NATIONAL: serving the country is not near).
    lab_province = scorer.s_province[block.right_rows[lab_local]]
    near_by_province = scorer.relation[:, lab_province] <= RegionRelation.SAME_HUB
    allowed = near_by_province[scorer.d_province[lo + need_lab]]
    found = _best_in_columns(scores, need_lab, lab_local, block, lo, scorer, allowed=allowed)
    if found is None:
        return
    rows, d, s, comp, index = found
    only_edu_last = is_edu[rows, k - 1] & (is_edu[rows].sum(axis=1) == 1)
    slot = np.where(only_edu_last, k - 2, k - 1)
    ok = slot >= 0
    table.put(rows[ok], slot[ok], d[ok], s[ok], comp, index[ok])


# --- Small helpers --------------------------------------------------------------------------


@dataclass(frozen=True)
class _SideArrays:
    groups: np.ndarray  # int16[n, n_groups]: topics named per group
    leaves: np.ndarray  # bool[n, leaf topics]
    n_topics: np.ndarray  # int[n]
    sectors: np.ndarray  # bool[n, S]
    formats: np.ndarray  # bool[n, F]
    text: sp.csr_matrix  # normalised tf-idf rows (float64)


def _side(topics, sectors, formats, text, taxonomy: Taxonomy, idf: np.ndarray) -> _SideArrays:
    topics = _binary(topics)
    leaf_topics = np.flatnonzero(~np.asarray(taxonomy.is_group, dtype=bool))
    return _SideArrays(
        groups=(topics @ _membership(taxonomy)).toarray().astype(np.int16),
        leaves=topics[:, leaf_topics].toarray().astype(bool),
        n_topics=np.diff(topics.indptr),
        sectors=_binary(sectors).toarray().astype(bool),
        formats=_binary(formats).toarray().astype(bool),
        text=_tfidf(text, idf),
    )


def _left_validity(bits: np.ndarray) -> np.ndarray:
    """[4 * bits | -1]: with `_right_validity`, a GEMM gives 4 * overlaps - 1."""
    out = np.full((bits.shape[0], bits.shape[1] + 1), -1.0, dtype=np.float32)
    out[:, :-1] = 4.0 * bits
    return out


def _right_validity(bits: np.ndarray, width: int) -> np.ndarray:
    """[bits | 1], padded with rows that overlap nothing."""
    out = np.zeros((width, bits.shape[1] + 1), dtype=np.float32)
    out[: bits.shape[0], :-1] = bits
    out[:, -1] = 1.0
    return out


def _padded(rows: np.ndarray, width: int) -> np.ndarray:
    """float32 copy with zero rows appended up to `width` rows."""
    out = np.zeros((width, rows.shape[1]), dtype=np.float32)
    out[: rows.shape[0]] = rows
    return out


# Prepared supplier-side arrays per Supply object (a few), so that scoring one challenge
# after another against the same Supply does not redo them. Keyed by identity and checked
# against a fingerprint of the inputs; an entry goes when its Supply is garbage-collected.
_MEMO_SIZE = 4
_memo_entries: OrderedDict[int, dict] = OrderedDict()


_memo_lock = threading.Lock()


def _memo(owner, name: str, key, build):
    owner_id = id(owner)
    with _memo_lock:
        entry = _memo_entries.get(owner_id)
        if entry is None or entry["owner"]() is not owner:
            entry = {"owner": weakref.ref(owner)}
            _memo_entries[owner_id] = entry
            weakref.finalize(owner, _memo_forget, owner_id)
            while len(_memo_entries) > _MEMO_SIZE:
                _memo_entries.popitem(last=False)
        _memo_entries.move_to_end(owner_id)
        cached = entry.get(name)
    if cached is not None and cached[0] == key:
        return cached[1]
    value = build()
    with _memo_lock:
        entry[name] = (key, value)
    return value


def _memo_forget(owner_id: int) -> None:
    with _memo_lock:
        _memo_entries.pop(owner_id, None)


def _fingerprint(*values) -> tuple:
    """Cheap identity-and-content fingerprint: small arrays by their bytes, sparse matrices
    by their buffers' identity, shape and checksums (catches in-place edits)."""
    parts = []
    for value in values:
        if sp.issparse(value):
            parts.append(
                (
                    value.shape,
                    value.nnz,
                    id(value.data),
                    id(value.indices),
                    float(value.data.sum(dtype=np.float64)),
                    int(value.indices.sum(dtype=np.int64)),
                )
            )
        else:
            array = np.ascontiguousarray(value)
            parts.append((array.shape, array.dtype.str, hash(array.tobytes())))
    return tuple(parts)


def _dense_key(array: np.ndarray | None) -> tuple | None:
    """A large dense array's fingerprint without hashing all of it (10 000 x 512 floats would
    cost a single-challenge ranking ~10 ms): identity, shape and a strided checksum."""
    if array is None:
        return None
    return (id(array), array.shape, float(array.ravel()[::97].sum(dtype=np.float64)))


def _check_inputs(demand: Demand, supply: Supply, taxonomy: Taxonomy, region: Region) -> None:
    n_topics = taxonomy.n_topics
    relation = np.asarray(region.relation)
    if relation.ndim != 2 or relation.shape[0] != relation.shape[1]:
        raise ValueError("Region.relation must be a square P x P matrix")
    checks = [
        ("demand.topics", demand.topics.shape[1], n_topics),
        ("supply.topics", supply.topics.shape[1], n_topics),
        ("supply.sectors", supply.sectors.shape[1], demand.sectors.shape[1]),
        ("supply.formats", supply.formats.shape[1], demand.formats.shape[1]),
    ]
    if demand.meaning is not None and supply.meaning is not None:
        checks += [
            ("demand.meaning rows", np.shape(demand.meaning)[0], demand.topics.shape[0]),
            ("supply.meaning rows", np.shape(supply.meaning)[0], supply.topics.shape[0]),
            ("supply.meaning", np.shape(supply.meaning)[1], np.shape(demand.meaning)[1]),
        ]
    for name, got, expected in checks:
        if got != expected:
            raise ValueError(f"{name}: {got}, expected {expected}")
    for name, provinces in (("demand", demand.province), ("supply", supply.province)):
        provinces = np.asarray(provinces)
        if provinces.size and (provinces.min() < 0 or provinces.max() >= relation.shape[0]):
            raise ValueError(f"{name}.province holds an index outside Region.relation")


def _membership(taxonomy: Taxonomy) -> sp.csr_matrix:
    """T x n_groups incidence: topic t belongs to group topic_group[t]."""
    groups = np.asarray(taxonomy.topic_group, dtype=np.int64)
    return sp.csr_matrix(
        (np.ones(groups.size, np.float32), (np.arange(groups.size), groups)),
        shape=(groups.size, taxonomy.n_groups),
    )


def _binary(matrix) -> sp.csr_matrix:
    """The nonzero pattern as float32 ones (duplicates merged)."""
    out = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    out.sum_duplicates()
    out.eliminate_zeros()
    out.data[:] = 1.0
    return out


def _as_flags(matrix, shape) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix, shape=shape)
    out.eliminate_zeros()
    out.sort_indices()
    return sp.csr_matrix(
        (np.ones(out.nnz, np.int8), out.indices.copy(), out.indptr.copy()), shape=shape
    )


def _tfidf(counts, idf: np.ndarray) -> sp.csr_matrix:
    """Rows weighted by idf and L2-normalised (float64, sorted indices). Columns beyond
    len(idf) are ignored; a matrix with fewer columns counts as zero-padded."""
    n_terms = idf.shape[0]
    x = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    if x.shape[1] != n_terms:
        x = sp.csr_matrix(x[:, : min(x.shape[1], n_terms)], dtype=np.float64)
        x.resize((x.shape[0], n_terms))
    x.sum_duplicates()
    x.data *= idf[x.indices]
    x.eliminate_zeros()
    lengths = np.diff(x.indptr)
    filled = lengths > 0
    if x.nnz:
        norms = np.sqrt(np.add.reduceat(x.data * x.data, x.indptr[:-1][filled]))
        x.data /= np.repeat(norms, lengths[filled])
    return x


def _split_terms(left_text, right_text):
    """Text terms for the dense GEMM (frequent on both sides) and for the sparse product
    (the rest). Only a speed trade-off: the ranking is decided in float64."""
    n_terms = left_text.shape[1]
    left_df = np.bincount(left_text.indices, minlength=n_terms) / max(1, left_text.shape[0])
    right_df = np.bincount(right_text.indices, minlength=n_terms) / max(1, right_text.shape[0])
    work = left_df * right_df
    used = np.flatnonzero(work > 0)
    if right_text.shape[0] < _MIN_ROWS_FOR_DENSE_TERMS:
        return used[:0], used
    order = np.argsort(-work[used], kind="stable")[:_MAX_DENSE_TERMS]
    dense = np.sort(used[order[work[used][order] > _DENSE_TERM_FRACTION]])
    return dense, np.setdiff1d(used, dense)


def _group_count(width: int, k: int) -> int:
    """Interleaved column groups for the selection: groups of about 32 columns, at least
    8k groups per row where the width allows; the count divides the width."""
    size = 32
    while size > 1 and (width % size or width // size < 8 * k):
        size //= 2
    return width // size


def _padded_width(n: int) -> int:
    """Block width: a multiple of 32 (of 16 for narrow blocks), at least 16."""
    return max(16, -(-n // 32) * 32 if n > 512 else -(-n // 16) * 16)


def _position_in_group(sorted_keys: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within runs of equal consecutive keys."""
    if sorted_keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    start_index = np.maximum.accumulate(np.where(starts, np.arange(sorted_keys.size), 0))
    return np.arange(sorted_keys.size) - start_index


def _ratio(numerator, denominator):
    denominator = np.asarray(denominator, dtype=np.float64)
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, numerator / safe, 0.0)


def _strongest_per_row(products: sp.csr_matrix, max_terms: int) -> sp.csr_matrix:
    """Keep the `max_terms` largest entries of each row (ties: lower term index)."""
    products.eliminate_zeros()
    row_of = np.repeat(np.arange(products.shape[0]), np.diff(products.indptr))
    order = np.lexsort((products.indices, -products.data, row_of))
    keep = order[_position_in_group(row_of[order]) < max(0, max_terms)]
    keep.sort()
    return sp.csr_matrix(
        (products.data[keep].astype(np.float32), (row_of[keep], products.indices[keep])),
        shape=products.shape,
    )


class _Exclusions:
    """Pairs people decided on, mapped to block coordinates, applied per chunk."""

    def __init__(self, excluded, *, n_supply: int, right_rows: np.ndarray) -> None:
        local = np.full(n_supply, -1, dtype=np.int64)
        local[right_rows] = np.arange(right_rows.size)
        if excluded is None:
            rows = cols = np.zeros(0, dtype=np.int64)
        else:
            rows = np.asarray(excluded[0], dtype=np.int64)
            cols = local[np.asarray(excluded[1], dtype=np.int64)]
            keep = cols >= 0
            rows, cols = rows[keep], cols[keep]
        order = np.argsort(rows, kind="stable")
        self.rows, self.cols = rows[order], cols[order]

    def apply(self, scores: np.ndarray, lo: int, hi: int) -> None:
        a, b = np.searchsorted(self.rows, [lo, hi])
        scores[self.rows[a:b] - lo, self.cols[a:b]] = _INVALID


def _empty_ranking() -> Ranking:
    f = np.zeros(0, dtype=np.float32)
    return Ranking(
        rows=np.zeros(0, np.int32),
        cols=np.zeros(0, np.int32),
        rank=np.zeros(0, np.int16),
        score=f,
        topic_fit=f.copy(),
        region=np.zeros(0, np.int8),
        sector_fit=f.copy(),
        format_fit=f.copy(),
        text_similarity=f.copy(),
    )


def _concat_rankings(parts: list[Ranking], *, by_rows: bool) -> Ranking:
    if not parts:
        return _empty_ranking()
    fields = Ranking.__dataclass_fields__
    merged = {name: np.concatenate([getattr(p, name) for p in parts]) for name in fields}
    if not by_rows:
        order = np.lexsort((merged["rank"], merged["cols"]))
        merged = {name: values[order] for name, values in merged.items()}
    return Ranking(**merged)
