"""Exact scoring of given (challenge, supplier) pairs in float64, and the reason data.

`PairScorer.combine` is the rule of `rules.py` written once for pairs and for dense
matrices (same float operations), with topic fit vectorised as
``(sibling * Cg @ G.T + (1 - sibling) * Cl @ Sl.T) / |C|``: Cg the challenge's topic count
per group, G the supplier's group coverage and Cl/Sl the leaf incidences (an exact leaf is
counted in both terms: sibling + (1 - sibling) = 1). Every ranking is decided by these
scores, so `Ranking.score` equals `score_pairs(...)["score"]` for the same pair.

The supplier-side preparation is memoised per Supply object (identity plus a cheap content
fingerprint), so scoring one challenge after another against the same Supply costs a few
milliseconds each; Supply's arrays are treated as immutable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .arrays import (
    as_flags,
    binary_pattern,
    check_inputs,
    content_fingerprint,
    dense_key,
    group_membership,
    memoised,
    safe_ratio,
    side_arrays,
    strongest_per_row,
    tfidf_rows,
)
from .types import (
    DEFAULT_WEIGHTS,
    Demand,
    Explanation,
    Region,
    RegionRelation,
    Supply,
    Taxonomy,
    Weights,
)


@dataclass
class Components:
    score: np.ndarray
    topic_fit: np.ndarray
    region: np.ndarray
    sector_fit: np.ndarray
    format_fit: np.ndarray
    text: np.ndarray


class PairScorer:
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
        check_inputs(demand, supply, taxonomy, region)
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
        d = side_arrays(demand.topics, demand.sectors, demand.formats, demand.text, taxonomy, idf)
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
            *content_fingerprint(
                supply.topics,
                supply.sectors,
                supply.formats,
                supply.text,
                idf,
                np.asarray(taxonomy.topic_group),
                np.asarray(taxonomy.is_group),
            ),
            dense_key(self.s_meaning),
            self.meaning_share,
        )
        s = memoised(
            supply,
            "side",
            self.supply_key,
            lambda: side_arrays(
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
    ) -> Components:
        """One formula for pairs and for dense matrices (same float operations)."""
        w = self.weights
        topic_fit = safe_ratio(w.sibling * group_hits + (1.0 - w.sibling) * leaf_hits, n_topics)
        sector_fit = safe_ratio(sector_hits * 1.0, n_sectors)
        format_fit = safe_ratio(format_hits * 1.0, n_formats)
        region_score = self.region_scores[code]
        score = (
            w.topic * topic_fit
            + w.region * region_score
            + w.sector * sector_fit
            + w.format * format_fit
            + w.text * text
        )
        score = np.where(topic_fit > 0, score, 0.0)
        return Components(score, topic_fit, code, sector_fit, format_fit, text)

    def pairs(self, d: np.ndarray, s: np.ndarray) -> Components:
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
    s = PairScorer(demand, supply, taxonomy=taxonomy, region=region, idf=idf, weights=weights)
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
    membership = group_membership(taxonomy)
    challenge_topics = binary_pattern(demand.topics[unique_rows])[rows]
    supplier_topics = binary_pattern(supply.topics[unique_cols])
    leaf = sp.diags((~np.asarray(taxonomy.is_group, bool)).astype(np.float32))
    exact = challenge_topics.multiply(supplier_topics[cols]).tocsr() @ leaf
    # (s, t) > 0: the supplier names some topic in t's group.
    covers = binary_pattern((supplier_topics @ membership) @ membership.T)
    related = challenge_topics.multiply(covers[cols]).tocsr() - exact
    sectors = binary_pattern(demand.sectors[unique_rows])[rows].multiply(
        binary_pattern(supply.sectors[unique_cols])[cols]
    )
    formats = binary_pattern(demand.formats[unique_rows])[rows].multiply(
        binary_pattern(supply.formats[unique_cols])[cols]
    )
    idf = np.asarray(idf, dtype=np.float64)
    shared = (
        tfidf_rows(demand.text[unique_rows], idf)[rows]
        .multiply(tfidf_rows(supply.text[unique_cols], idf)[cols])
        .tocsr()
    )
    return Explanation(
        exact_topics=as_flags(exact, (rows.size, n_topics)),
        related_topics=as_flags(related, (rows.size, n_topics)),
        sectors=as_flags(sectors, (rows.size, demand.sectors.shape[1])),
        formats=as_flags(formats, (rows.size, demand.formats.shape[1])),
        text_terms=strongest_per_row(shared, int(max_terms)),
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
