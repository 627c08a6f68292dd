"""Small array helpers shared by the engine's modules: each side's arrays (topic groups and
leaves, sectors, formats, tf-idf rows), input checks, and the memo that lets one challenge
after another reuse the supplier side."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .types import Demand, Region, Supply, Taxonomy


@dataclass(frozen=True)
class SideArrays:
    groups: np.ndarray  # int16[n, n_groups]: topics named per group
    leaves: np.ndarray  # bool[n, leaf topics]
    n_topics: np.ndarray  # int[n]
    sectors: np.ndarray  # bool[n, S]
    formats: np.ndarray  # bool[n, F]
    text: sp.csr_matrix  # normalised tf-idf rows (float64)


def side_arrays(topics, sectors, formats, text, taxonomy: Taxonomy, idf: np.ndarray) -> SideArrays:
    topics = binary_pattern(topics)
    leaf_topics = np.flatnonzero(~np.asarray(taxonomy.is_group, dtype=bool))
    return SideArrays(
        groups=(topics @ group_membership(taxonomy)).toarray().astype(np.int16),
        leaves=topics[:, leaf_topics].toarray().astype(bool),
        n_topics=np.diff(topics.indptr),
        sectors=binary_pattern(sectors).toarray().astype(bool),
        formats=binary_pattern(formats).toarray().astype(bool),
        text=tfidf_rows(text, idf),
    )


def check_inputs(demand: Demand, supply: Supply, taxonomy: Taxonomy, region: Region) -> None:
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


def group_membership(taxonomy: Taxonomy) -> sp.csr_matrix:
    """T x n_groups incidence: topic t belongs to group topic_group[t]."""
    groups = np.asarray(taxonomy.topic_group, dtype=np.int64)
    return sp.csr_matrix(
        (np.ones(groups.size, np.float32), (np.arange(groups.size), groups)),
        shape=(groups.size, taxonomy.n_groups),
    )


def binary_pattern(matrix) -> sp.csr_matrix:
    """The nonzero pattern as float32 ones (duplicates merged)."""
    out = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    out.sum_duplicates()
    out.eliminate_zeros()
    out.data[:] = 1.0
    return out


def as_flags(matrix, shape) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix, shape=shape)
    out.eliminate_zeros()
    out.sort_indices()
    return sp.csr_matrix(
        (np.ones(out.nnz, np.int8), out.indices.copy(), out.indptr.copy()), shape=shape
    )


def tfidf_rows(counts, idf: np.ndarray) -> sp.csr_matrix:
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


def safe_ratio(numerator, denominator):
    denominator = np.asarray(denominator, dtype=np.float64)
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, numerator / safe, 0.0)


def position_in_group(sorted_keys: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within runs of equal consecutive keys."""
    if sorted_keys.size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    start_index = np.maximum.accumulate(np.where(starts, np.arange(sorted_keys.size), 0))
    return np.arange(sorted_keys.size) - start_index


def strongest_per_row(products: sp.csr_matrix, max_terms: int) -> sp.csr_matrix:
    """Keep the `max_terms` largest entries of each row (ties: lower term index)."""
    products.eliminate_zeros()
    row_of = np.repeat(np.arange(products.shape[0]), np.diff(products.indptr))
    order = np.lexsort((products.indices, -products.data, row_of))
    keep = order[position_in_group(row_of[order]) < max(0, max_terms)]
    keep.sort()
    return sp.csr_matrix(
        (products.data[keep].astype(np.float32), (row_of[keep], products.indices[keep])),
        shape=products.shape,
    )


# Prepared supplier-side arrays per Supply object (a few), so that scoring one challenge
# after another against the same Supply does not redo them. Keyed by identity and checked
# against a fingerprint of the inputs; an entry goes when its Supply is garbage-collected.
_MEMO_SIZE = 4


_memo_entries: OrderedDict[int, dict] = OrderedDict()


_memo_lock = threading.Lock()


def memoised(owner, name: str, key, build):
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


def content_fingerprint(*values) -> tuple:
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


def dense_key(array: np.ndarray | None) -> tuple | None:
    """A large dense array's fingerprint without hashing all of it (10 000 x 512 floats would
    cost a single-challenge ranking ~10 ms): identity, shape and a strided checksum."""
    if array is None:
        return None
    return (id(array), array.shape, float(array.ravel()[::97].sum(dtype=np.float64)))
