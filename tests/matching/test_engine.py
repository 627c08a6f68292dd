"""The pure matching engine (PRODUCT.md section 5) on small hand-made data: no database.

The fixtures: three topic groups, four provinces, three sectors, three formats and a
six-term vocabulary. One test per matching rule, then properties checked with hypothesis.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.matching import engine
from apps.matching.engine import RegionRelation as R

# Topics: ml (group) 0, predictive-analytics 1, time-series 2, anomaly-detection 3,
# vision (group) 4, visual-inspection 5, object-detection 6,
# language (group) 7, nlp 8, speech 9.
ML, PREDICTIVE, TIME_SERIES, ANOMALY = 0, 1, 2, 3
VISION, INSPECTION, DETECTION = 4, 5, 6
LANGUAGE, NLP, SPEECH = 7, 8, 9
TAXONOMY = engine.Taxonomy(
    topic_group=np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2], dtype=np.int32),
    is_group=np.array([1, 0, 0, 0, 1, 0, 0, 1, 0, 0], dtype=bool),
)
N_TOPICS = 10

# Provinces: Utrecht 0; Zuid-Holland 1 borders it; Noord-Holland 2 shares its hub;
# Groningen 3 is elsewhere for all of them.
UT, ZH, NH, GR = 0, 1, 2, 3
RELATION = np.full((4, 4), R.ELSEWHERE, dtype=np.int8)
RELATION[UT, ZH] = RELATION[ZH, UT] = R.NEIGHBOURING
RELATION[UT, NH] = RELATION[NH, UT] = R.SAME_HUB
np.fill_diagonal(RELATION, R.SAME_PROVINCE)
REGION = engine.Region(relation=RELATION)

N_SECTORS, N_FORMATS, N_TERMS = 3, 3, 6
IDF = np.ones(N_TERMS)
W = engine.DEFAULT_WEIGHTS


def incidence(rows: list, width: int) -> sp.csr_matrix:
    dense = np.zeros((len(rows), width), dtype=np.float32)
    for i, columns in enumerate(rows):
        for column in columns:
            dense[i, column] = 1.0
    return sp.csr_matrix(dense)


def counts(rows: list[dict], width: int) -> sp.csr_matrix:
    dense = np.zeros((len(rows), width), dtype=np.float32)
    for i, terms in enumerate(rows):
        for term, count in terms.items():
            dense[i, term] = count
    return sp.csr_matrix(dense)


def challenges(*rows: dict) -> engine.Demand:
    return engine.Demand(
        topics=incidence([r.get("topics", []) for r in rows], N_TOPICS),
        province=np.array([r.get("province", UT) for r in rows], dtype=np.int16),
        sectors=incidence([r.get("sectors", []) for r in rows], N_SECTORS),
        formats=incidence([r.get("formats", []) for r in rows], N_FORMATS),
        text=counts([r.get("text", {}) for r in rows], N_TERMS),
    )


def suppliers(*rows: dict) -> engine.Supply:
    return engine.Supply(
        topics=incidence([r.get("topics", []) for r in rows], N_TOPICS),
        province=np.array([r.get("province", UT) for r in rows], dtype=np.int16),
        serves_nationally=np.array([r.get("national", False) for r in rows], dtype=bool),
        sectors=incidence([r.get("sectors", []) for r in rows], N_SECTORS),
        formats=incidence([r.get("formats", []) for r in rows], N_FORMATS),
        text=counts([r.get("text", {}) for r in rows], N_TERMS),
        remaining_capacity=np.array([r.get("capacity", 1) for r in rows], dtype=np.int32),
        is_education=np.array([r.get("education", True) for r in rows], dtype=bool),
        is_lab=np.array([r.get("lab", False) for r in rows], dtype=bool),
    )


def rank(demand, supply, **kwargs) -> engine.Ranking:
    return engine.rank_suppliers(
        demand, supply, taxonomy=TAXONOMY, region=REGION, idf=IDF, **kwargs
    )


def pairs(demand, supply, **kwargs) -> dict[str, np.ndarray]:
    return engine.score_pairs(demand, supply, taxonomy=TAXONOMY, region=REGION, idf=IDF, **kwargs)


def ranked_cols(ranking: engine.Ranking, row: int = 0) -> list[int]:
    mine = ranking.rows == row
    return ranking.cols[mine][np.argsort(ranking.rank[mine])].tolist()


# --- Rule 1: topic fit is required -----------------------------------------------------------


def test_rule1_no_shared_topic_means_no_match():
    demand = challenges({"topics": [NLP], "sectors": [0], "formats": [0], "text": {0: 1}})
    everything_but_topics = {"sectors": [0], "formats": [0], "text": {0: 1}}
    supply = suppliers(
        {"topics": [INSPECTION, PREDICTIVE], **everything_but_topics},
        {"topics": [SPEECH]},
    )

    scores = pairs(demand, supply)
    ranking = rank(demand, supply)

    assert scores["topic_fit"][0, 0] == 0
    assert scores["score"][0, 0] == 0
    assert ranked_cols(ranking) == [1]


def test_rule1_exact_leaf_beats_sibling_leaf():
    demand = challenges({"topics": [NLP]})
    supply = suppliers({"topics": [SPEECH]}, {"topics": [NLP]})

    scores = pairs(demand, supply)

    assert scores["topic_fit"][0].tolist() == [W.sibling, 1.0]
    assert ranked_cols(rank(demand, supply)) == [1, 0]


def test_rule1_group_level_on_either_side_counts_as_sibling():
    demand = challenges({"topics": [NLP]}, {"topics": [LANGUAGE]})
    supply = suppliers({"topics": [LANGUAGE]}, {"topics": [NLP]}, {"topics": [SPEECH]})

    fit = pairs(demand, supply)["topic_fit"]

    # A supplier naming the group, a challenge naming the group: both at sibling level.
    assert fit[0].tolist() == [W.sibling, 1.0, W.sibling]
    assert fit[1].tolist() == [W.sibling, W.sibling, W.sibling]


def test_rule1_fit_measures_coverage_of_the_challenge_topics():
    demand = challenges({"topics": [NLP, INSPECTION]})
    supply = suppliers({"topics": [NLP]}, {"topics": [NLP, DETECTION]}, {"topics": [NLP, VISION]})

    fit = pairs(demand, supply)["topic_fit"][0]

    assert fit.tolist() == [0.5, (1 + W.sibling) / 2, (1 + W.sibling) / 2]


def test_rule1_other_expertise_never_lowers_fit():
    demand = challenges({"topics": [NLP, PREDICTIVE]})
    focused = {"topics": [NLP, PREDICTIVE]}
    broad = {"topics": [NLP, PREDICTIVE, INSPECTION, DETECTION, VISION, ML, SPEECH, ANOMALY]}

    scores = pairs(demand, suppliers(focused, broad))

    assert scores["topic_fit"][0, 0] == scores["topic_fit"][0, 1] == 1.0
    assert scores["score"][0, 0] == scores["score"][0, 1]


# --- Rule 2: region next ---------------------------------------------------------------------


def test_rule2_region_order_with_equal_topic_fit():
    demand = challenges({"topics": [NLP], "province": UT})
    supply = suppliers(
        {"topics": [NLP], "province": GR},  # elsewhere
        {"topics": [NLP], "province": GR, "national": True},
        {"topics": [NLP], "province": NH},  # same hub
        {"topics": [NLP], "province": ZH},  # neighbouring
        {"topics": [NLP], "province": UT},
        {"topics": [NLP], "province": UT, "national": True},
    )

    scores = pairs(demand, supply)
    ranking = rank(demand, supply, top_n=6)

    assert scores["region"][0].tolist() == [
        R.ELSEWHERE,
        R.NATIONAL,
        R.SAME_HUB,
        R.NEIGHBOURING,
        R.SAME_PROVINCE,
        R.SAME_PROVINCE,
    ]
    s = scores["score"][0]
    assert s[4] == s[5] > s[3] == s[2] > s[1] > s[0] > 0
    # Equal scores are ordered by supply index.
    assert ranked_cols(ranking) == [4, 5, 2, 3, 1, 0]


# --- Rule 3: then sectors, formats and text --------------------------------------------------


def test_rule3_shared_sectors_formats_and_text_raise_the_score():
    demand = challenges({"topics": [NLP], "sectors": [0, 1], "formats": [2], "text": {0: 2, 1: 1}})
    supply = suppliers(
        {"topics": [NLP], "sectors": [2], "formats": [0]},
        {"topics": [NLP], "sectors": [1, 2]},
        {"topics": [NLP], "formats": [2, 1]},
        {"topics": [NLP], "text": {0: 1, 5: 3}},
        {"topics": [NLP], "sectors": [0, 1], "formats": [2], "text": {0: 2, 1: 1}},
    )

    scores = pairs(demand, supply)

    assert scores["sector_fit"][0].tolist() == [0, 0.5, 0, 0, 1]
    assert scores["format_fit"][0].tolist() == [0, 0, 1, 0, 1]
    assert scores["text_similarity"][0, 0] == 0
    assert 0 < scores["text_similarity"][0, 3] < 1
    assert scores["text_similarity"][0, 4] == pytest.approx(1)
    base = scores["score"][0, 0]
    assert scores["score"][0, 1] == pytest.approx(base + W.sector * 0.5)
    assert scores["score"][0, 2] == pytest.approx(base + W.format)
    assert scores["score"][0, 3] > base
    assert scores["score"][0, 4] == pytest.approx(1.0)
    assert ranked_cols(rank(demand, supply, top_n=5))[0] == 4


# --- Rule 4: capacity ------------------------------------------------------------------------


def test_rule4_no_capacity_means_not_suggested():
    demand = challenges({"topics": [NLP]}, {"topics": [SPEECH]})
    supply = suppliers(
        {"topics": [NLP, SPEECH], "capacity": 0},
        {"topics": [NLP], "capacity": -2},
        {"topics": [LANGUAGE], "capacity": 3},
    )

    ranking = rank(demand, supply)

    assert ranking.cols.tolist() == [2, 2]
    assert ranking.rows.tolist() == [0, 1]


# --- Rule 5: every score explains itself -----------------------------------------------------


def test_rule5_explanation_names_shared_topics_region_sectors_formats():
    demand = challenges(
        {
            "topics": [NLP, SPEECH, INSPECTION, PREDICTIVE],
            "sectors": [0, 2],
            "formats": [1],
            "text": {0: 1, 1: 1, 2: 1, 3: 1, 4: 1},
            "province": UT,
        }
    )
    supply = suppliers(
        {
            "topics": [NLP, VISION, ANOMALY],
            "sectors": [2],
            "formats": [1, 0],
            "text": {0: 1, 1: 2, 2: 3, 3: 4, 5: 1},
            "province": ZH,
        }
    )
    ranking = rank(demand, supply)

    why = engine.explain(
        demand, supply, ranking.rows, ranking.cols, taxonomy=TAXONOMY, idf=IDF, max_terms=3
    )

    assert ranking.region.tolist() == [R.NEIGHBOURING]
    assert why.exact_topics[0].indices.tolist() == [NLP]
    # Speech (sibling of nlp), visual inspection (vision group named), predictive
    # analytics (sibling anomaly detection): covered at group level only.
    assert sorted(why.related_topics[0].indices.tolist()) == [PREDICTIVE, INSPECTION, SPEECH]
    assert why.sectors[0].indices.tolist() == [2]
    assert why.formats[0].indices.tolist() == [1]
    # Shared terms 0..3; the strongest three by product of the normalised weights.
    assert sorted(why.text_terms[0].indices.tolist()) == [1, 2, 3]
    assert why.text_terms.shape == (1, N_TERMS)
    assert (why.text_terms.data > 0).all()


def test_rule5_explanation_rows_follow_the_pairs_given():
    demand = challenges({"topics": [NLP]}, {"topics": [INSPECTION]})
    supply = suppliers({"topics": [NLP]}, {"topics": [VISION]})

    why = engine.explain(
        demand, supply, np.array([1, 0, 0]), np.array([1, 0, 1]), taxonomy=TAXONOMY, idf=IDF
    )

    assert why.exact_topics.toarray()[:, NLP].tolist() == [0, 1, 0]
    assert why.related_topics.toarray()[:, INSPECTION].tolist() == [1, 0, 0]
    assert why.exact_topics.shape == why.related_topics.shape == (3, N_TOPICS)


# --- Rule 6: a community needs a mix ---------------------------------------------------------


def company(topics, **extra):
    return {"topics": topics, "education": False, **extra}


def test_rule6_mix_includes_an_education_partner_and_a_nearby_lab():
    demand = challenges({"topics": [NLP], "sectors": [0], "province": UT})
    supply = suppliers(
        company([NLP], sectors=[0]),  # 0: best
        company([NLP]),  # 1
        company([NLP], province=ZH),  # 2
        company([NLP], province=NH),  # 3
        {"topics": [SPEECH], "province": GR},  # 4: the only education partner, weak
        company([SPEECH], lab=True, province=GR),  # 5: lab, but far away
        company([SPEECH], lab=True, province=NH),  # 6: lab in the same hub
    )
    plain = rank(demand, supply, top_n=3)
    assert pairs(demand, supply)["score"][0, 5] > 0

    assert ranked_cols(plain) == [0, 6, 4]
    assert plain.rank.tolist() == [1, 2, 3]
    # Swapped-in entries keep their slot at the bottom and carry their own scores.
    assert plain.score[1] < plain.score[0]
    assert plain.region[1] == R.SAME_HUB


def test_rule6_mix_keeps_the_list_when_it_already_holds_both():
    demand = challenges({"topics": [NLP], "province": UT})
    supply = suppliers(
        company([NLP], lab=True),
        {"topics": [NLP]},
        company([NLP]),
        {"topics": [SPEECH], "province": GR},
    )

    assert ranked_cols(rank(demand, supply, top_n=2)) == [0, 1]


def test_rule6_mix_without_a_nearby_lab_only_adds_the_education_partner():
    demand = challenges({"topics": [NLP], "province": UT})
    supply = suppliers(
        company([NLP]),
        company([NLP]),
        company([SPEECH], lab=True, province=GR),
        {"topics": [SPEECH], "province": GR},
    )

    assert ranked_cols(rank(demand, supply, top_n=2)) == [0, 3]


def test_rule6_with_one_slot_the_education_partner_wins():
    demand = challenges({"topics": [NLP], "province": UT})
    supply = suppliers(company([NLP]), company([SPEECH], lab=True), {"topics": [SPEECH]})

    assert ranked_cols(rank(demand, supply, top_n=1)) == [2]


def test_rule6_mix_never_swaps_in_a_partner_without_topic_fit():
    demand = challenges({"topics": [NLP], "province": UT})
    supply = suppliers(
        company([NLP]),
        company([NLP]),
        {"topics": [INSPECTION], "sectors": [0, 1, 2]},  # education, no topic fit
        company([PREDICTIVE], lab=True),  # nearby lab, no topic fit
        {"topics": [NLP], "capacity": 0},  # education without capacity
        company([NLP], lab=True, capacity=0),  # nearby lab without capacity
    )

    assert ranked_cols(rank(demand, supply, top_n=2)) == [0, 1]


# --- Rule 7: capacity across a hub -----------------------------------------------------------


def ranking_from(candidates: dict[int, list[tuple[int, float]]]) -> engine.Ranking:
    rows, cols, ranks, scores = [], [], [], []
    for row, options in candidates.items():
        for position, (col, score) in enumerate(sorted(options, key=lambda o: -o[1])):
            rows.append(row)
            cols.append(col)
            ranks.append(position + 1)
            scores.append(score)
    n = len(rows)
    f = np.zeros(n, np.float32)
    return engine.Ranking(
        rows=np.array(rows, np.int32),
        cols=np.array(cols, np.int32),
        rank=np.array(ranks, np.int16),
        score=np.array(scores, np.float32),
        topic_fit=f,
        region=np.zeros(n, np.int8),
        sector_fit=f,
        format_fit=f,
        text_similarity=f,
    )


def brute_force_balance(candidates, capacity, n_demand):
    """Best (fewest rows without a suggestion, then highest total score) by enumeration."""
    options = [[(-1, 0.0), *candidates.get(row, [])] for row in range(n_demand)]
    best = None
    for choice in itertools.product(*options):
        used = np.bincount([c for c, _ in choice if c >= 0], minlength=len(capacity))
        if (used > capacity).any():
            continue
        key = (sum(c < 0 for c, _ in choice), -sum(np.float32(s) for _, s in choice))
        if best is None or key < best:
            best = key
    return best


def test_rule7_balance_respects_capacity_and_maximises_total_score():
    rng = np.random.default_rng(7)
    for _ in range(150):
        n_demand, n_supply = int(rng.integers(1, 6)), int(rng.integers(1, 5))
        capacity = rng.integers(0, 4, n_supply)
        candidates = {}
        for row in range(n_demand):
            k = int(rng.integers(0, n_supply + 1))
            cols = rng.choice(n_supply, size=k, replace=False)
            candidates[row] = [(int(c), float(np.round(rng.random(), 2))) for c in cols]
        ranking = ranking_from(candidates)

        chosen = engine.balance(ranking, capacity=capacity, n_demand=n_demand)

        assert chosen.dtype == np.int32 and chosen.shape == (n_demand,)
        used = np.bincount(chosen[chosen >= 0], minlength=n_supply)
        assert (used <= capacity).all()
        score_of = {(r, c): s for r, opts in candidates.items() for c, s in opts}
        assert all(chosen[r] < 0 or (r, int(chosen[r])) in score_of for r in range(n_demand))
        unassigned = int((chosen < 0).sum())
        total = sum(
            np.float32(score_of[(r, int(chosen[r]))]) for r in range(n_demand) if chosen[r] >= 0
        )
        expected_unassigned, expected_negative_total = brute_force_balance(
            candidates, capacity, n_demand
        )
        assert unassigned == expected_unassigned
        assert total == pytest.approx(-expected_negative_total, abs=1e-5)


def test_rule7_balance_moves_a_popular_lab_to_the_challenge_that_needs_it():
    # Both challenges prefer supplier 0 (capacity 1); only challenge 1 has an alternative.
    ranking = ranking_from({0: [(0, 0.6)], 1: [(0, 0.9), (1, 0.8)]})

    chosen = engine.balance(ranking, capacity=np.array([1, 1]), n_demand=3)

    assert chosen.tolist() == [0, 1, -1]


def test_rule7_balance_keeps_everyones_best_when_capacity_allows():
    ranking = ranking_from({0: [(0, 0.6), (1, 0.5)], 2: [(1, 0.9), (0, 0.8)]})

    chosen = engine.balance(ranking, capacity=np.array([1, 1]), n_demand=3)

    assert chosen.tolist() == [0, -1, 1]


def test_rule7_balance_on_an_engine_ranking():
    demand = challenges(*({"topics": [NLP]} for _ in range(4)))
    supply = suppliers({"topics": [NLP], "capacity": 2}, {"topics": [SPEECH], "capacity": 1})
    ranking = rank(demand, supply)

    chosen = engine.balance(ranking, capacity=supply.remaining_capacity, n_demand=4)

    assert sorted(chosen.tolist()) == [-1, 0, 0, 1]


# --- Exclusions, the lecturer direction, idf ---------------------------------------------------


def test_excluded_pairs_are_never_returned():
    demand = challenges({"topics": [NLP]}, {"topics": [NLP]})
    supply = suppliers(
        company([NLP], sectors=[0]),
        company([NLP]),
        {"topics": [SPEECH]},  # the only education partner
        {"topics": [SPEECH], "province": GR},
    )
    excluded = (np.array([0, 0, 1]), np.array([0, 2, 1]))

    ranking = rank(demand, supply, top_n=2, excluded=excluded)

    got = set(zip(ranking.rows.tolist(), ranking.cols.tolist(), strict=True))
    assert not got & {(0, 0), (0, 2), (1, 1)}
    # Row 0 still gets an education partner, just not the excluded one.
    assert ranked_cols(ranking, 0) == [1, 3]
    assert ranked_cols(ranking, 1) == [0, 2]


def test_rank_demand_for_ranks_demand_rows_for_each_supply_row():
    demand = challenges(
        {"topics": [NLP], "province": GR},
        {"topics": [NLP], "province": UT},
        {"topics": [INSPECTION], "province": UT},
        {"topics": [SPEECH], "province": UT},
    )
    people = suppliers(
        {"topics": [NLP], "province": UT, "capacity": 0, "education": False},
        {"topics": [VISION], "province": GR, "capacity": 0, "education": False},
    )

    ranking = engine.rank_demand_for(
        demand, people, taxonomy=TAXONOMY, region=REGION, idf=IDF, top_n=2
    )

    by_person = {
        person: ranking.rows[ranking.cols == person][
            np.argsort(ranking.rank[ranking.cols == person])
        ].tolist()
        for person in (0, 1)
    }
    assert by_person == {0: [1, 0], 1: [2]}
    expected = pairs(demand, people)["score"][ranking.rows, ranking.cols]
    assert np.allclose(ranking.score, expected)


def test_idf_from_documents_drops_stop_words_and_unused_terms():
    text = counts([{0: 1, 1: 2}, {0: 1, 2: 1}, {0: 3}, {3: 1}], 5)

    idf = engine.idf_from_documents(text, max_df=0.5)

    assert idf[0] == 0  # in 3 of 4 documents
    assert idf[4] == 0  # in none
    assert idf[1] == idf[2] == idf[3] == pytest.approx(np.log(5 / 2) + 1)


def test_text_widths_follow_idf():
    """A caller without a vocabulary may pass text matrices narrower than idf."""
    demand = engine.Demand(
        topics=incidence([[NLP]], N_TOPICS),
        province=np.array([UT], np.int16),
        sectors=incidence([[]], N_SECTORS),
        formats=incidence([[]], N_FORMATS),
        text=sp.csr_matrix((1, 0), dtype=np.float32),
    )
    supply = suppliers({"topics": [NLP]})

    ranking = rank(demand, supply)

    assert ranking.text_similarity.tolist() == [0.0]


def test_empty_inputs_give_an_empty_ranking():
    supply = suppliers({"topics": [NLP]})
    nobody = challenges()

    assert rank(nobody, supply).rows.size == 0
    assert (
        rank(challenges({"topics": [NLP]}), suppliers({"topics": [NLP], "capacity": 0})).rows.size
        == 0
    )


# --- Properties ------------------------------------------------------------------------------


@st.composite
def instances(draw, max_demand=6, max_supply=9):
    n = draw(st.integers(1, max_demand))
    m = draw(st.integers(1, max_supply))

    def subset(width, max_size):
        return st.lists(st.integers(0, width - 1), max_size=max_size, unique=True)

    def text():
        return st.dictionaries(st.integers(0, N_TERMS - 1), st.integers(1, 3), max_size=4)

    demand = challenges(
        *(
            {
                "topics": draw(subset(N_TOPICS, 3)),
                "province": draw(st.integers(0, 3)),
                "sectors": draw(subset(N_SECTORS, 2)),
                "formats": draw(subset(N_FORMATS, 2)),
                "text": draw(text()),
            }
            for _ in range(n)
        )
    )
    supply = suppliers(
        *(
            {
                "topics": draw(subset(N_TOPICS, 4)),
                "province": draw(st.integers(0, 3)),
                "national": draw(st.booleans()),
                "sectors": draw(subset(N_SECTORS, 3)),
                "formats": draw(subset(N_FORMATS, 3)),
                "text": draw(text()),
                "capacity": draw(st.integers(-1, 3)),
                "education": draw(st.booleans()),
                "lab": draw(st.booleans()),
            }
            for _ in range(m)
        )
    )
    idf = np.array(draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.5]), min_size=6, max_size=6)))
    return demand, supply, idf


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(instances())
def test_property_scores_are_in_unit_interval_and_need_topic_fit(instance):
    demand, supply, idf = instance
    scores = engine.score_pairs(demand, supply, taxonomy=TAXONOMY, region=REGION, idf=idf)
    ranking = engine.rank_suppliers(
        demand, supply, taxonomy=TAXONOMY, region=REGION, idf=idf, top_n=4
    )

    assert ((scores["score"] >= 0) & (scores["score"] <= 1 + 1e-9)).all()
    assert (scores["score"][scores["topic_fit"] == 0] == 0).all()
    assert ((ranking.score >= 0) & (ranking.score <= 1 + 1e-6)).all()
    assert (ranking.topic_fit > 0).all()
    assert (supply.remaining_capacity[ranking.cols] > 0).all()
    assert np.allclose(ranking.score, scores["score"][ranking.rows, ranking.cols], atol=1e-6)


@PROPERTY
@given(instances())
def test_property_score_pairs_equals_reference_scores(instance):
    demand, supply, idf = instance
    common = {"taxonomy": TAXONOMY, "region": REGION, "idf": idf}

    reference = engine.reference_scores(demand, supply, **common)
    scores = engine.score_pairs(demand, supply, **common)

    assert reference.shape == (demand.size, supply.size)
    assert np.allclose(scores["score"], reference)


@PROPERTY
@given(instances(), st.integers(1, 4))
def test_property_chunking_does_not_change_results(instance, top_n):
    demand, supply, idf = instance
    common = {"taxonomy": TAXONOMY, "region": REGION, "idf": idf, "top_n": top_n}

    one = engine.rank_suppliers(demand, supply, chunk_size=1, **common)
    many = engine.rank_suppliers(demand, supply, chunk_size=1000, **common)

    for field in engine.Ranking.__dataclass_fields__:
        assert np.array_equal(getattr(one, field), getattr(many, field)), field


@PROPERTY
@given(instances(), st.integers(0, 8), st.integers(0, 3), st.integers(0, 3))
def test_property_moving_a_supplier_closer_never_lowers_its_score(instance, who, p1, p2):
    demand, supply, idf = instance
    who = who % supply.size
    codes = RELATION[demand.province][:, [p1, p2]]
    scores = []
    for province in (p1, p2):
        moved = supply.province.copy()
        moved[who] = province
        shifted = engine.Supply(**{**supply.__dict__, "province": moved})
        scores.append(
            engine.score_pairs(demand, shifted, taxonomy=TAXONOMY, region=REGION, idf=idf)["score"][
                :, who
            ]
        )
    closer = codes[:, 0] <= codes[:, 1]
    assert (scores[0][closer] >= scores[1][closer] - 1e-12).all()


def without_mix_effects(supply: engine.Supply) -> engine.Supply:
    """Every supplier an education partner and none a lab: the mix rule never swaps."""
    return engine.Supply(
        **{
            **supply.__dict__,
            "is_education": np.ones(supply.size, bool),
            "is_lab": np.zeros(supply.size, bool),
        }
    )


@PROPERTY
@given(instances(), st.integers(1, 5))
def test_property_ranking_is_the_best_first_top_n_without_mix_effects(instance, top_n):
    demand, supply, idf = instance
    everyone_educates = without_mix_effects(supply)
    common = {"taxonomy": TAXONOMY, "region": REGION, "idf": idf}
    scores = engine.score_pairs(demand, everyone_educates, **common)
    ranking = engine.rank_suppliers(demand, everyone_educates, top_n=top_n, **common)

    for row in range(demand.size):
        valid = (scores["topic_fit"][row] > 0) & (supply.remaining_capacity > 0)
        cols = np.flatnonzero(valid)
        order = cols[np.lexsort((cols, -scores["score"][row, cols]))][:top_n]
        assert ranked_cols(ranking, row) == order.tolist()


@PROPERTY
@given(instances(), st.integers(1, 5))
def test_property_the_fast_ranking_equals_the_rule(instance, top_n):
    """ranking.py must equal rules.py: every ranked pair carries the rule's score, and each
    row holds the rule's top-N scores, best first (mix rule off: everyone educates)."""
    demand, supply, idf = instance
    everyone_educates = without_mix_effects(supply)
    common = {"taxonomy": TAXONOMY, "region": REGION, "idf": idf}
    rule = engine.reference_scores(demand, everyone_educates, **common)
    ranking = engine.rank_suppliers(demand, everyone_educates, top_n=top_n, **common)

    assert np.allclose(ranking.score, rule[ranking.rows, ranking.cols], atol=1e-6)
    for row in range(demand.size):
        eligible = (rule[row] > 0) & (supply.remaining_capacity > 0)
        best = np.sort(rule[row][eligible])[::-1][:top_n]
        assert np.allclose(ranking.score[ranking.rows == row], best, atol=1e-6)


# --- The blocked path for many rows ----------------------------------------------------------


def random_instance(rng, n: int, m: int, n_terms: int = 80):
    def binary(rows, width, density):
        return sp.csr_matrix((rng.random((rows, width)) < density).astype(np.float32))

    def text(rows):
        popularity = 1.0 / np.arange(1, n_terms + 1)
        words = rng.choice(n_terms, size=(rows, 12), p=popularity / popularity.sum())
        matrix = sp.csr_matrix(
            (np.ones(words.size, np.float32), (np.repeat(np.arange(rows), 12), words.ravel())),
            shape=(rows, n_terms),
        )
        matrix.sum_duplicates()
        return matrix

    demand = engine.Demand(
        topics=binary(n, N_TOPICS, 0.2),
        province=rng.integers(0, 4, n).astype(np.int16),
        sectors=binary(n, N_SECTORS, 0.3),
        formats=binary(n, N_FORMATS, 0.3),
        text=text(n),
    )
    supply = engine.Supply(
        topics=binary(m, N_TOPICS, 0.25),
        province=rng.integers(0, 4, m).astype(np.int16),
        serves_nationally=rng.random(m) < 0.3,
        sectors=binary(m, N_SECTORS, 0.4),
        formats=binary(m, N_FORMATS, 0.4),
        text=text(m),
        remaining_capacity=rng.integers(0, 3, m).astype(np.int32),
        is_education=np.ones(m, bool),
        is_lab=np.zeros(m, bool),
    )
    idf = engine.idf_from_documents(sp.vstack([demand.text, supply.text]).tocsr(), max_df=0.8)
    return demand, supply, idf


def brute_force_top(scores: np.ndarray, valid: np.ndarray, top_n: int, axis: int):
    """{row: best cols} (axis=1) or {col: best rows} (axis=0), ties by lower index."""
    if axis == 0:
        scores, valid = scores.T, valid.T
    best = {}
    for i in range(scores.shape[0]):
        cols = np.flatnonzero(valid[i])
        best[i] = cols[np.lexsort((cols, -scores[i, cols]))][:top_n].tolist()
    return best


def test_many_rows_rank_exactly_like_the_dense_scores():
    rng = np.random.default_rng(11)
    demand, supply, idf = random_instance(rng, n=500, m=420)
    common = {"taxonomy": TAXONOMY, "region": REGION, "idf": idf}
    scores = engine.score_pairs(demand, supply, **common)
    valid = (scores["topic_fit"] > 0) & (supply.remaining_capacity > 0)[None, :]
    expected = brute_force_top(scores["score"], valid, 5, axis=1)

    rankings = [
        engine.rank_suppliers(demand, supply, top_n=5, chunk_size=size, **common)
        for size in (2048, 150, 7)
    ]

    for ranking in rankings:
        assert {row: ranked_cols(ranking, row) for row in range(demand.size)} == expected
        assert np.allclose(ranking.score, scores["score"][ranking.rows, ranking.cols])
        assert np.allclose(
            ranking.text_similarity, scores["text_similarity"][ranking.rows, ranking.cols]
        )


def test_many_people_rank_demand_exactly_like_the_dense_scores():
    rng = np.random.default_rng(12)
    demand, people, idf = random_instance(rng, n=60, m=400)
    common = {"taxonomy": TAXONOMY, "region": REGION, "idf": idf}
    scores = engine.score_pairs(demand, people, **common)
    expected = brute_force_top(scores["score"], scores["topic_fit"] > 0, 4, axis=0)

    ranking = engine.rank_demand_for(demand, people, top_n=4, **common)

    got = {
        person: ranking.rows[ranking.cols == person][
            np.argsort(ranking.rank[ranking.cols == person])
        ].tolist()
        for person in range(people.size)
    }
    assert got == expected
    assert np.allclose(ranking.score, scores["score"][ranking.rows, ranking.cols])


def test_a_supply_changed_in_place_is_scored_afresh():
    demand = challenges({"topics": [NLP]})
    supply = suppliers({"topics": [NLP]}, {"topics": [SPEECH], "province": ZH})
    assert ranked_cols(rank(demand, supply)) == [0, 1]

    supply.remaining_capacity[0] = 0
    assert ranked_cols(rank(demand, supply)) == [1]

    supply.province[1] = GR
    assert rank(demand, supply).region.tolist() == [R.ELSEWHERE]

    supply.topics.data[:] = 0
    assert rank(demand, supply).rows.size == 0


# --- Meaning (sentence embeddings) fused into the text part -----------------------------------


def with_meaning(rng, demand, supply, dims: int = 16, missing: float = 0.2):
    """Both sides with non-negative unit meaning vectors (cosines in 0..1, as the sentence
    model gives for real texts), some rows zero: texts not embedded yet."""

    def unit_rows(rows):
        vectors = np.abs(rng.normal(size=(rows, dims))).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors[rng.random(rows) < missing] = 0.0
        return vectors

    return (
        engine.Demand(**{**demand.__dict__, "meaning": unit_rows(demand.size)}),
        engine.Supply(**{**supply.__dict__, "meaning": unit_rows(supply.size)}),
    )


@PROPERTY
@given(instances(), st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_property_with_meaning_ranking_scores_and_reference_agree(instance, seed, top_n):
    demand, supply, idf = instance
    demand, supply = with_meaning(np.random.default_rng(seed), demand, supply)
    common = {"taxonomy": TAXONOMY, "region": REGION, "idf": idf}

    reference = engine.reference_scores(demand, supply, **common)
    scores = engine.score_pairs(demand, supply, **common)
    ranking = engine.rank_suppliers(demand, supply, top_n=top_n, **common)
    one_by_one = engine.rank_suppliers(demand, supply, top_n=top_n, chunk_size=1, **common)

    assert np.allclose(scores["score"], reference)
    assert ((scores["score"] >= 0) & (scores["score"] <= 1 + 1e-9)).all()
    assert np.allclose(ranking.score, scores["score"][ranking.rows, ranking.cols], atol=1e-6)
    for field in engine.Ranking.__dataclass_fields__:
        assert np.array_equal(getattr(ranking, field), getattr(one_by_one, field)), field


def test_meaning_takes_its_share_of_the_text_weight():
    demand = challenges({"topics": [0], "province": 0, "text": {1: 1}})
    supply = suppliers({"topics": [0], "province": 0, "text": {1: 1}})
    unit = np.array([[1.0, 0.0]], np.float32)
    other = np.array([[0.0, 1.0]], np.float32)
    common = {"taxonomy": TAXONOMY, "region": REGION, "idf": np.ones(N_TERMS)}
    words_only = pairs(demand, supply)["text_similarity"][0, 0]
    same_meaning = engine.score_pairs(
        engine.Demand(**{**demand.__dict__, "meaning": unit}),
        engine.Supply(**{**supply.__dict__, "meaning": unit}),
        **common,
    )
    other_meaning = engine.score_pairs(
        engine.Demand(**{**demand.__dict__, "meaning": unit}),
        engine.Supply(**{**supply.__dict__, "meaning": other}),
        **common,
    )
    assert words_only == pytest.approx(1.0)
    assert same_meaning["text_similarity"][0, 0] == pytest.approx(1.0)
    share = engine.DEFAULT_WEIGHTS.meaning_share
    assert other_meaning["text_similarity"][0, 0] == pytest.approx(1.0 - share)


def test_a_supplier_that_means_the_same_outranks_one_that_only_shares_words():
    demand = challenges({"topics": [0], "province": 0, "text": {1: 2, 2: 1}})
    supply = suppliers(
        {"topics": [0], "province": 0, "text": {1: 2, 2: 1}},  # same words, other work
        {"topics": [0], "province": 0, "text": {4: 1}},  # other words, same work
    )
    demand = engine.Demand(**{**demand.__dict__, "meaning": np.array([[1.0, 0.0]], np.float32)})
    supply = engine.Supply(
        **{**supply.__dict__, "meaning": np.array([[0.1, 0.995], [0.99, 0.141]], np.float32)}
    )
    ranking = rank(demand, supply, top_n=2)
    assert ranked_cols(ranking) == [1, 0]


def test_many_rows_with_meaning_rank_exactly_like_the_dense_scores():
    rng = np.random.default_rng(13)
    demand, supply, idf = random_instance(rng, n=500, m=420)
    demand, supply = with_meaning(rng, demand, supply, dims=64)
    common = {"taxonomy": TAXONOMY, "region": REGION, "idf": idf}
    scores = engine.score_pairs(demand, supply, **common)
    valid = (scores["topic_fit"] > 0) & (supply.remaining_capacity > 0)[None, :]
    expected = brute_force_top(scores["score"], valid, 5, axis=1)

    for size in (2048, 150, 7):
        ranking = engine.rank_suppliers(demand, supply, top_n=5, chunk_size=size, **common)
        assert {row: ranked_cols(ranking, row) for row in range(demand.size)} == expected
        assert np.allclose(ranking.score, scores["score"][ranking.rows, ranking.cols])

    people = engine.rank_demand_for(demand, supply, top_n=4, **common)
    by_person = brute_force_top(scores["score"], scores["topic_fit"] > 0, 4, axis=0)
    for col, rows in by_person.items():
        assert people.rows[people.cols == col].tolist() == rows
