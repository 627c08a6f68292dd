"""The engine's inputs and outputs (integer-coded; see the package docstring) and its
weights. Changing a weight or the rule means a new ALGORITHM_VERSION."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import scipy.sparse as sp

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
