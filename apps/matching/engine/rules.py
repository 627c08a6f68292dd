"""The scoring rule (PRODUCT.md section 5, rules 1-3), stated once in plain dense NumPy.

This module is the definition. `pairs.py` and `ranking.py` compute the same scores much
faster and must equal `reference_scores` (the property tests in tests/matching/test_engine.py
hold them to it); the benchmark times them against it.

For a challenge c and a supplier s:

- topic fit: every topic the challenge names earns credit 1 when it is a leaf the supplier
  names exactly, `sibling` when the supplier names anything in its group (a sibling leaf
  or the group itself; a group named by the challenge can only earn this), 0 otherwise;
  fit = credits / number of challenge topics. It only looks at the challenge's topics, so
  a supplier's other expertise never lowers it.
- region: `Region.relation[province_c, province_s]`, NATIONAL instead of ELSEWHERE for a
  supplier serving the whole country; scored by `Weights.region_scores`.
- sector fit = shared sectors / challenge sectors, format fit = wanted formats offered /
  wanted formats (0 when the challenge names none).
- text similarity = cosine of the idf-weighted, L2-normalised term-count vectors (word
  overlap), fused with the cosine of the two texts' meaning (`Demand.meaning`,
  `Supply.meaning`: unit sentence embeddings from apps.semantics, zero rows for texts not
  embedded yet) when both sides carry it:
  text = (1 - meaning_share) * word overlap + meaning_share * meaning similarity.
  The embeddings' cosines lie in about -0.1..0.9; the smallest topic part of a valid pair
  (0.0625) exceeds the meaning weight, so a score never drops below 0.

score = the weighted sum of the five parts (weights in `Weights`, summing to 1, so the
score is in [0, 1]), and 0 - "no match" - wherever topic fit is 0.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .types import DEFAULT_WEIGHTS, Demand, Region, RegionRelation, Supply, Taxonomy, Weights


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
