"""Matching engine: the pure scoring core (PRODUCT.md section 5). No Django import.

Where each part of the rule lives:
- `rules.py`: the scoring rule (rules 1-3) in plain dense NumPy, explained for a newcomer.
  It is the definition; everything else must give the same scores.
- `pairs.py`: the exact float64 scoring of given pairs (`score_pairs`, `explain`), written
  as one formula for pairs and matrices; property-tested against `rules.py`.
- `ranking.py`: the fast top-N per challenge (`rank_suppliers`) and per person
  (`rank_demand_for`): BLAS score blocks and a two-level selection (`selection.py`), decided
  by `pairs.py`. Must equal `rules.py`; property-tested against it.
- `mix.py`: rule 6 (an education partner and a nearby innovation lab in every list).
- `balance.py`: rule 7 (hub-wide balance of top suggestions under capacity).
- `types.py`: the inputs and outputs below; `arrays.py`: the small array helpers.

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
"""

from .balance import balance
from .pairs import explain, meaning_similarity, score_pairs
from .ranking import rank_demand_for, rank_suppliers
from .rules import idf_from_documents, reference_scores
from .types import (
    ALGORITHM_VERSION,
    DEFAULT_WEIGHTS,
    Demand,
    Explanation,
    Ranking,
    Region,
    RegionRelation,
    Supply,
    Taxonomy,
    Weights,
)

__all__ = [
    "ALGORITHM_VERSION",
    "DEFAULT_WEIGHTS",
    "Demand",
    "Explanation",
    "Ranking",
    "Region",
    "RegionRelation",
    "Supply",
    "Taxonomy",
    "Weights",
    "balance",
    "explain",
    "idf_from_documents",
    "meaning_similarity",
    "rank_demand_for",
    "rank_suppliers",
    "reference_scores",
    "score_pairs",
]
