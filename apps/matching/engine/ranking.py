"""Ranking at scale: the top-N suppliers per challenge and the top-N challenges per person.

Must equal `rules.py`: every ranked score is decided in float64 by `pairs.PairScorer`,
and the property tests compare the rankings with `reference_scores`.

Per chunk of demand rows the engine fills one dense float32 score block against all
suppliers with capacity. Every component except text is bilinear in small per-row feature
vectors (topic, sector and format fits with the challenge's normalisation folded into its
side, region as a one-hot province times the supplier's "score seen from province p"), so
one BLAS GEMM computes them all. Text terms frequent on both sides join that GEMM as dense
columns (a cost model picks them), the rest goes through a sparse product, run one chunk
ahead in a worker thread (scipy's sparse kernels release the GIL) while the main thread
does the single-threaded selection. Meaning is a dot product too, so it joins the GEMM as
dense columns. A second small GEMM over group coverage marks pairs without topic fit (-1),
as are excluded pairs. The top N per row then comes from `selection.py`, and `mix.py`
applies rule 6.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import sgemm

from .arrays import content_fingerprint, memoised, safe_ratio
from .mix import apply_mix_rule
from .pairs import PairScorer
from .selection import INVALID, top_table
from .types import (
    DEFAULT_WEIGHTS,
    Demand,
    Ranking,
    Region,
    RegionRelation,
    Supply,
    Taxonomy,
    Weights,
)

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
    scorer = PairScorer(demand, supply, taxonomy=taxonomy, region=region, idf=idf, weights=weights)
    active = np.flatnonzero(np.asarray(supply.remaining_capacity) > 0)
    n = demand.size
    k = min(int(top_n), active.size)
    if n == 0 or k <= 0:
        return _empty_ranking()
    block = ScoreBlock(scorer, left_is_demand=True, right_rows=active)
    chunk = max(1, min(int(chunk_size), _BLOCK_ELEMENTS // block.width))
    exclusions = _Exclusions(excluded, n_supply=supply.size, right_rows=active)
    edu_local = np.flatnonzero(scorer.s_education[active])
    lab_local = np.flatnonzero(scorer.s_lab[active])
    parts = []
    for lo, scores in _score_blocks(block, n, chunk):
        exclusions.apply(scores, lo, lo + scores.shape[0])
        table = top_table(scores, k, block, lo, scorer)
        apply_mix_rule(table, scores, lo, block, edu_local, lab_local, scorer)
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
    scorer = PairScorer(demand, supply, taxonomy=taxonomy, region=region, idf=idf, weights=weights)
    m, n = supply.size, demand.size
    k = min(int(top_n), n)
    if m == 0 or k <= 0:
        return _empty_ranking()
    block = ScoreBlock(scorer, left_is_demand=False, right_rows=np.arange(n))
    chunk = max(1, min(2048, _BLOCK_ELEMENTS // block.width))
    parts = [
        top_table(scores, k, block, lo, scorer).pairs()
        for lo, scores in _score_blocks(block, m, chunk)
    ]
    return _concat_rankings(parts, by_rows=False)


class ScoreBlock:
    """Dense float32 score blocks "left rows x all right rows" for one ranking direction.

    Left = demand (rank_suppliers) or supply (rank_demand_for). Everything but the sparse
    text terms is one GEMM of feature rows, with the challenge-side normalisations and
    weights on the demand side. The right side is padded with empty rows to a multiple of
    the selection group count; padding is never valid."""

    def __init__(self, scorer: PairScorer, *, left_is_demand: bool, right_rows: np.ndarray):
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
                key = content_fingerprint(
                    right_rows, scorer.relation, scorer.s_province, scorer.s_national
                )
                key = (scorer.supply_key, key, w)
                self.right, self.right_mask = memoised(scorer.supply, "right", key, right_side)
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
        # work = 4 * overlaps - 1: -1 (= INVALID) without overlap, >= 3 > any score with.
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


def _demand_features(scorer: PairScorer, rows: np.ndarray, text_dense) -> np.ndarray:
    """Demand-side GEMM features: [groups | leaves | sectors | formats | province | text]."""
    w = scorer.weights
    n_provinces = scorer.relation.shape[0]
    per_topic = w.topic * safe_ratio(1.0, scorer.d_n_topics[rows])[:, None]
    parts = [
        w.sibling * per_topic * scorer.d_groups[rows],
        (1.0 - w.sibling) * per_topic * scorer.d_leaves[rows],
        w.sector * scorer.d_sectors[rows] * safe_ratio(1.0, scorer.d_n_sectors[rows])[:, None],
        w.format * scorer.d_formats[rows] * safe_ratio(1.0, scorer.d_n_formats[rows])[:, None],
        w.region * (scorer.d_province[rows][:, None] == np.arange(n_provinces)[None, :]),
    ]
    if text_dense is not None:
        parts.append(scorer.tfidf_weight * text_dense.toarray())
    if scorer.meaning:
        parts.append(scorer.meaning_weight * scorer.d_meaning[rows])
    return np.hstack(parts, dtype=np.float32)


def _supply_features(scorer: PairScorer, rows: np.ndarray, text_dense) -> np.ndarray:
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


def _score_blocks(block: ScoreBlock, n_left: int, chunk: int) -> Iterator[tuple[int, np.ndarray]]:
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
        scores[self.rows[a:b] - lo, self.cols[a:b]] = INVALID


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


def _padded_width(n: int) -> int:
    """Block width: a multiple of 32 (of 16 for narrow blocks), at least 16."""
    return max(16, -(-n // 32) * 32 if n > 512 else -(-n // 16) * 16)


def _padded(rows: np.ndarray, width: int) -> np.ndarray:
    """float32 copy with zero rows appended up to `width` rows."""
    out = np.zeros((width, rows.shape[1]), dtype=np.float32)
    out[: rows.shape[0]] = rows
    return out


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
