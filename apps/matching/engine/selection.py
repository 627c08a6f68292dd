"""The exact top-N of a float32 score block.

float32 rounding must not decide anything: the candidates within `EPS32` of each row's N-th
best are re-scored pair by pair in float64 (`pairs.PairScorer`), and ties are broken by the
lower supply index. Results therefore do not depend on the chunk size.

The candidates come from a two-level selection: the N-th largest maximum of interleaved
column groups bounds the N-th best from below, and only groups reaching it are searched -
no full partition of every row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .arrays import position_in_group
from .pairs import Components, PairScorer
from .types import Ranking

if TYPE_CHECKING:  # blocks are built in ranking.py and only passed through here
    from .ranking import ScoreBlock


# Margin around the float32 N-th best score within which candidates are re-scored in
# float64; far above the float32 rounding of a sum of a few hundred terms in [0, 1].
EPS32 = 1e-4


# Invalid pairs (no topic fit, no capacity, excluded, padding) in a float32 score block.
INVALID = -1.0


class TopTable:
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

    def put(self, rows, slots, d, s, comp: Components, index=None) -> None:
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


def top_table(
    scores: np.ndarray, k: int, block: ScoreBlock, lo: int, scorer: PairScorer
) -> TopTable:
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
    slot = position_in_group(rows[index])
    keep = slot < k
    index, slot = index[keep], slot[keep]
    table = TopTable(n_rows, k, block.left_is_demand)
    table.put(rows[index], slot, d[index], s[index], comp, index)
    return table


def _candidates(scores: np.ndarray, k: int):
    """All valid entries within EPS32 of each row's k-th best (float32), found without a
    full partition. Columns are split into interleaved groups (column j in group
    j % n_groups, so the group maxima are one vectorised maximum over contiguous rows); the
    k-th largest group maximum bounds the k-th largest entry from below, and only groups
    whose maximum reaches that bound can hold candidates."""
    n_rows, width = scores.shape
    n_groups = _group_count(width, k)
    if n_groups <= k:
        rows, cols = np.nonzero(scores >= np.float32(INVALID / 2))
        return rows, cols, scores[rows, cols]
    grouped = scores.reshape(n_rows, width // n_groups, n_groups)
    group_max = grouped.max(axis=1)
    kth = np.partition(group_max, n_groups - k, axis=1)[:, n_groups - k]
    floor = np.maximum(kth - EPS32, INVALID / 2).astype(np.float32)
    sel_rows, sel_groups = np.nonzero(group_max >= floor[:, None])
    picked = grouped[sel_rows, :, sel_groups]
    hit, position = np.nonzero(picked >= floor[sel_rows][:, None])
    cols = position * n_groups + sel_groups[hit]
    return sel_rows[hit], cols, picked[hit, position]


def _trim(rows, cols, values, k: int, n_rows: int):
    """Keep, per row, the candidates within EPS32 of the float32 k-th best."""
    order = np.lexsort((-values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    slot = position_in_group(rows)
    kth = np.full(n_rows, -np.inf, dtype=np.float32)
    at_k = slot == k - 1
    kth[rows[at_k]] = values[at_k]
    keep = values >= kth[rows] - np.float32(EPS32)
    return rows[keep], cols[keep]


def _group_count(width: int, k: int) -> int:
    """Interleaved column groups for the selection: groups of about 32 columns, at least
    8k groups per row where the width allows; the count divides the width."""
    size = 32
    while size > 1 and (width % size or width // size < 8 * k):
        size //= 2
    return width // size
