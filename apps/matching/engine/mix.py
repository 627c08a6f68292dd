"""Rule 6: every full list holds an education partner and a nearby innovation lab.

After the ranking of a row is cut to N, a row whose list is full and holds no education
partner gets the best education candidate (topic fit > 0, capacity, not excluded) in the
last slot; then a row without a nearby innovation lab (SAME_PROVINCE, NEIGHBOURING or
SAME_HUB) gets the best such lab in the last slot, or in the one above it when the last
slot holds the row's only education partner (so with N = 1 the education partner wins).
Swapped-in suggestions keep the slot they were put in - the bottom of the list - so they
do not push better-fitting suggestions down; `rank` is the final position, and within a
row the order is best first except for those swapped-in entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .arrays import position_in_group
from .pairs import PairScorer
from .selection import EPS32, INVALID
from .types import RegionRelation

if TYPE_CHECKING:  # blocks are built in ranking.py and only passed through here
    from .ranking import ScoreBlock


def _best_in_columns(
    scores: np.ndarray,
    rows: np.ndarray,
    local_cols: np.ndarray,
    block: ScoreBlock,
    lo: int,
    scorer: PairScorer,
    allowed: np.ndarray | None = None,
):
    """Per given block row, the exact best valid entry among `local_cols` (where the
    rows x cols mask `allowed` holds). Returns (rows, demand, supply, components, index) for
    the rows that have one."""
    if rows.size == 0 or local_cols.size == 0:
        return None
    sub = scores[np.ix_(rows, local_cols)]
    if allowed is not None:
        sub[~allowed] = INVALID
    best = sub.max(axis=1)
    floor = np.maximum(best - EPS32, INVALID / 2).astype(np.float32)
    r, c = np.nonzero(sub >= floor[:, None])
    if r.size == 0:
        return None
    d, s = block.pair_indices(lo, rows[r], local_cols[c])
    comp = scorer.pairs(d, s)
    valid = np.flatnonzero(comp.topic_fit > 0)
    order = valid[np.lexsort((s[valid], -comp.score[valid], r[valid]))]
    first = order[position_in_group(r[order]) == 0]
    return rows[r[first]], d[first], s[first], comp, first


def apply_mix_rule(table, scores, lo, block, edu_local, lab_local, scorer) -> None:
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
