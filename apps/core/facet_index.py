"""Facet counts from (row, option) pairs held in memory: the counting core, NumPy only.

Why: counting the facets of the challenge list in SQL scans the visible rows once per facet
part (seven times, with the topic links twice): 0.8 s for a visitor and 2.2 s for a member at
100 000 challenges, and under load those counts were 85 % of all SQL time (`make bench
BENCH=load`). The pairs do not depend on who looks, so each process keeps them once per data
version (`apps.core.filters.ListingFilterSet.counts_from_index`), and a page only needs the ids
of the rows it may count: one scan instead of seven, then a lookup per pair here.

A part's pairs are distinct, so counting the pairs of an option counts distinct rows: what
`COUNT(DISTINCT row)` gives in SQL, and `COUNT(row)` where a row has one option anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class PairPart:
    """One count part: `rows[i]` carries option `options[codes[i]]`; the pairs are distinct."""

    rows: np.ndarray  # int64[P]
    codes: np.ndarray  # int32[P]
    options: tuple[str, ...]

    @classmethod
    def from_arrays(cls, rows: np.ndarray, options: np.ndarray) -> PairPart:
        """From parallel arrays of row ids and options (as text), in any order and with
        repeats."""
        if rows.size == 0:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int32), ())
        names, codes = np.unique(options, return_inverse=True)
        n_options = len(names)
        keys = np.unique(rows.astype(np.int64) * n_options + codes.astype(np.int64))
        return cls(
            rows=keys // n_options,
            codes=(keys % n_options).astype(np.int32),
            options=tuple(str(name) for name in names),
        )

    @property
    def largest_row(self) -> int:
        return int(self.rows.max()) if self.rows.size else -1


def row_mask(ids: np.ndarray, size: int) -> np.ndarray:
    """bool[size]: True at each of `ids` (all below `size`)."""
    mask = np.zeros(size, dtype=bool)
    mask[ids] = True
    return mask


def count_options(part: PairPart, counted: np.ndarray) -> list[tuple[str, int]]:
    """(option, number of counted rows carrying it) for every option that has any; `counted`
    is a bool mask over row ids, longer than the largest row of the part."""
    chosen = part.codes[counted[part.rows]]
    totals = np.bincount(chosen, minlength=len(part.options))
    return [(part.options[code], int(totals[code])) for code in np.flatnonzero(totals)]


def rows_meeting_all(visible: np.ndarray, conditions: dict[str, np.ndarray]) -> np.ndarray:
    """The `visible` row ids (sorted, distinct) that are in every array of `conditions`
    (each sorted and distinct), sorted."""
    kept = visible
    for ids in conditions.values():
        kept = kept[np.isin(kept, ids, assume_unique=True)]
    return kept


def fused_scores(
    listed: np.ndarray, lexical_order: np.ndarray, meaning_order: np.ndarray, k: int
) -> np.ndarray:
    """float64[len(listed)]: reciprocal rank fusion of two orders, within the `listed` rows
    (sorted, distinct): 1 / (k + position among the listed rows of `lexical_order`) plus
    1 / (k + position in `meaning_order`, over all its rows), each where the row is in it.
    `apps.core.filters.fused_rank` is the same in SQL; the sum is taken in that order."""
    by_words = np.zeros(listed.size)
    in_list = lexical_order[np.isin(lexical_order, listed)]
    positions = np.arange(1, in_list.size + 1, dtype=np.float64)
    by_words[np.searchsorted(listed, in_list)] = 1.0 / (k + positions)
    by_meaning = np.zeros(listed.size)
    if meaning_order.size:
        meaning_positions = np.arange(1, meaning_order.size + 1, dtype=np.float64)
        found = np.isin(meaning_order, listed)
        by_meaning[np.searchsorted(listed, meaning_order[found])] = 1.0 / (
            k + meaning_positions[found]
        )
    return by_words + by_meaning


def facet_option_counts(
    parts: Sequence[tuple[str, PairPart]],
    visible: np.ndarray,
    conditions: dict[str, np.ndarray],
) -> list[list[tuple[str, int]]]:
    """For each (facet name, part): its option counts over the `visible` row ids that meet
    the conditions of every *other* facet (`conditions`: facet name -> ids meeting it), which
    is what ticking one more option of a facet would show."""
    size = 1 + max(
        [part.largest_row for _name, part in parts]
        + [int(visible.max()) if visible.size else -1]
        + [int(ids.max()) for ids in conditions.values() if ids.size]
    )
    base = row_mask(visible, size)
    masks = {name: row_mask(ids, size) for name, ids in conditions.items()}
    counted_for: dict[str, np.ndarray] = {}
    out = []
    for name, part in parts:
        if name not in counted_for:
            counted = base.copy()
            for other, mask in masks.items():
                if other != name:
                    counted &= mask
            counted_for[name] = counted
        out.append(count_options(part, counted_for[name]))
    return out
