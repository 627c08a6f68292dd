"""Rule 7: hub-wide balance of the top suggestions under the suppliers' capacity.

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

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .types import Ranking


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
