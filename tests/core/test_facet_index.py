"""Facet counts from (row, option) pairs in memory (apps.core.facet_index): the NumPy core
against a plain count, and the directories' counts from the index against the same counts in
SQL, for every persona."""

import hashlib

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from apps.challenges.models import ChallengeStatus
from apps.challenges.selectors import challenge_filterset
from apps.core import data_version as module
from apps.core.data_version import cached_for_data_version, data_version
from apps.core.facet_index import PairPart, facet_option_counts, rows_meeting_all
from apps.hubs.models import Hub
from apps.knowledge.selectors import knowledge_item_filterset
from apps.organisations.selectors import organisation_filterset
from apps.taxonomy.models import Sector
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import LearningCommunityFactory
from tests.knowledge.factories import KnowledgeItemFactory
from tests.mfa_helpers import sign_in
from tests.organisations.factories import OrganisationFactory

# --- The core ---------------------------------------------------------------------------------


def test_pairs_are_made_distinct_and_null_options_ignored():
    part = PairPart.from_arrays(np.array([3, 3, 5, 7]), np.array(["a", "a", "b", "a"]))
    pairs = zip(part.rows.tolist(), (part.options[c] for c in part.codes), strict=True)
    assert sorted(pairs) == [
        (3, "a"),
        (5, "b"),
        (7, "a"),
    ]
    empty = PairPart.from_arrays(np.zeros(0, np.int64), np.zeros(0, str))
    assert facet_option_counts([("f", empty)], np.array([1, 2]), {}) == [[]]


def test_counts_equal_a_plain_count_of_distinct_rows_with_the_other_facets_applied():
    rng = np.random.default_rng(7)
    n_rows = 400
    facets = {}
    for name, n_options in (("colour", 5), ("size", 3), ("shape", 7)):
        rows = rng.integers(0, n_rows, 900)
        options = np.array([f"{name}-{i}" for i in rng.integers(0, n_options, 900)])
        facets[name] = (rows, options)
    parts = [
        (name, PairPart.from_arrays(rows, options)) for name, (rows, options) in facets.items()
    ]
    visible = np.flatnonzero(rng.random(n_rows) < 0.7)
    conditions = {
        "colour": np.unique(facets["colour"][0][facets["colour"][1] == "colour-1"]),
        "shape": np.unique(facets["shape"][0][np.isin(facets["shape"][1], ["shape-0", "shape-3"])]),
    }

    counted = facet_option_counts(parts, visible, conditions)

    for (name, _part), found in zip(parts, counted, strict=True):
        allowed = set(visible.tolist())
        for other, ids in conditions.items():
            if other != name:
                allowed &= set(ids.tolist())
        rows, options = facets[name]
        expected: dict[str, set[int]] = {}
        for row, option in zip(rows.tolist(), options.tolist(), strict=True):
            if row in allowed:
                expected.setdefault(option, set()).add(row)
        assert dict(found) == {option: len(ids) for option, ids in expected.items()}


def test_rows_meeting_all_conditions_are_counted_like_a_set_intersection():
    rng = np.random.default_rng(11)
    for _round in range(20):
        visible = np.unique(rng.integers(0, 300, 200))
        conditions = {
            name: np.unique(rng.integers(0, 300, int(rng.integers(0, 250))))
            for name in ("a", "b", "c")[: int(rng.integers(0, 4))]
        }
        expected = set(visible.tolist())
        for ids in conditions.values():
            expected &= set(ids.tolist())
        assert rows_meeting_all(visible, conditions).tolist() == sorted(expected)


def test_a_lease_lets_one_process_compute_and_the_others_do_without(db):
    calls = []

    def compute():
        calls.append(1)
        return "pairs"

    # Another process is computing: this one gets None and computes nothing.
    assert cached_for_data_version("lease-test", "k", lambda: "x", lease=True) == "x"
    cache.clear()
    import hashlib

    digest = hashlib.blake2b(b"k", digest_size=16).hexdigest()
    cache.add(f"dv:lease-test:{data_version()}:{digest}:computing", 1, 60)
    assert cached_for_data_version("lease-test", "k", compute, lease=True) is None
    assert calls == []
    cache.delete(f"dv:lease-test:{data_version()}:{digest}:computing")
    assert cached_for_data_version("lease-test", "k", compute, lease=True) == "pairs"
    assert cached_for_data_version("lease-test", "k", compute, lease=True) == "pairs"
    assert calls == [1]


# --- The directories --------------------------------------------------------------------------


@pytest.fixture
def national_mix(db, sme):
    agrifood = Sector.objects.get(slug="agrifood")
    for topics, province, visibility, status in (
        (["ml"], "NL-ZH", "public", ChallengeStatus.PUBLISHED),
        (["time-series", "nlp"], "NL-UT", "hub", ChallengeStatus.PUBLISHED),
        (["speech"], "NL-ZH", "members", ChallengeStatus.IN_COMMUNITY),
        (["vision"], "NL-GR", "hub", ChallengeStatus.CLOSED),
        (["language"], "NL-LI", "public", ChallengeStatus.DRAFT),
    ):
        challenge = ChallengeFactory(
            organisation=OrganisationFactory(province_code=province, topics=topics),
            province_code=province,
            topics=topics,
            visibility=visibility,
            status=status,
        )
        challenge.sectors.add(agrifood)
    ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT, topics=["vision"])
    ChallengeFactory(organisation=sme, visibility="hub", topics=["ml", "speech"])
    groningen = Hub.objects.exclude(slug="zuid-holland").first()
    for kind, topics, sectors, visibility, hub, public in (
        ("case", ["ml"], ["agrifood"], "public", None, True),
        ("case", ["nlp"], ["agrifood"], "members", None, False),
        ("tool", ["ml"], [], "hub", groningen, True),
        ("case", ["speech"], ["agrifood"], "public", groningen, False),
    ):
        community = LearningCommunityFactory(**({"hub": hub} if hub else {}), is_public=public)
        KnowledgeItemFactory(
            kind=kind,
            topics=topics,
            sectors=sectors,
            visibility=visibility,
            source_community=community,
        )


@pytest.mark.parametrize(
    "persona", ["anonymous", "member", "outsider", "coordinator", "other_hub_coordinator"]
)
def test_counts_from_the_index_are_the_counts_in_sql_for_every_persona(
    national_mix, persona, request
):
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    for make, filters in (
        (challenge_filterset, {}),
        (challenge_filterset, {"province": "NL-ZH"}),
        (challenge_filterset, {"topic": ["language", "ml"], "sector": "agrifood"}),
        (challenge_filterset, {"status": "closed", "hub": "zuid-holland"}),
        (challenge_filterset, {"q": "voorspellen", "topic": "language"}),
        (organisation_filterset, {}),
        (organisation_filterset, {"kind": "sme", "topic": "ml"}),
        (knowledge_item_filterset, {}),
        (knowledge_item_filterset, {"kind": "case", "topic": "ml"}),
        (knowledge_item_filterset, {"hub": "zuid-holland", "sector": "agrifood"}),
    ):
        filterset = make(user=user, filters=filters)
        assert filterset.counts_from_index
        from_index = filterset._counted_from_index()
        in_sql = make(user=user, filters=filters)._counted_in_sql()
        # SQL also groups the rows without an option (None), which no option counts.
        in_sql = [sorted(row for row in part if row[0] is not None) for part in in_sql]
        assert [sorted(part) for part in from_index] == in_sql, filters
        assert any(part for part in from_index)


def test_while_another_process_builds_the_pairs_the_counts_come_from_sql(national_mix, member):
    filterset = challenge_filterset(user=member, filters={})
    expected = filterset.facet_counts()
    cache.clear()
    name = f"facet-pairs:{type(filterset).__module__}.{type(filterset).__qualname__}"
    module._memo.clear()
    digest = hashlib.blake2b(name.encode(), digest_size=16).hexdigest()
    cache.add(f"dv:facet-pairs:{module.data_version()}:{digest}:computing", 1, 60)

    assert challenge_filterset(user=member, filters={}).facet_counts() == expected
    assert name not in module._memo  # nothing half-built was kept


@pytest.mark.parametrize("persona", ["anonymous", "member", "coordinator"])
def test_the_result_count_comes_from_the_index_without_a_count_query(
    national_mix, persona, request, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if persona != "anonymous":
        sign_in(client, request.getfixturevalue(persona))
    for filters in ({}, {"province": "NL-ZH"}, {"topic": ["ml", "speech"], "sector": "agrifood"}):
        client.get("/challenges/", filters)  # the shared parts are built
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/challenges/", filters)
        counts = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(*)")]
        assert [sql for sql in counts if "challenges_challenge" in sql] == [], filters
        listed = response.context["page_obj"].paginator.object_list
        assert response.context["page_obj"].paginator.count == listed.count() > 0, filters


def test_each_facet_value_is_kept_on_its_own_so_a_new_combination_needs_no_sql(
    national_mix, member, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, member)
    client.get("/challenges/", {"topic": "ml"})
    client.get("/challenges/", {"province": "NL-ZH"})
    client.get("/challenges/", {"sector": "agrifood"})

    with CaptureQueriesContext(connection) as captured:
        together = client.get(
            "/challenges/", {"topic": "ml", "province": "NL-ZH", "sector": "agrifood"}
        )

    assert not [q for q in captured if "string_agg" in q["sql"]]
    facets = {facet.name: facet for facet in together.context["facets"]}
    options = [o for top in facets["topic"].options for o in (top, *top.children)]
    ml = next(option for option in options if option.value == "ml")
    assert ml.count == 1 and ml.checked  # the public ML challenge in Zuid-Holland


def test_joined_integer_columns_are_parsed_exactly_and_a_null_is_refused():
    from apps.core.filters import int_column as _int_column

    ids = [1, 22, 333, 4444, -5, 9007199254740993]  # beyond a float's exact integers too
    parsed = _int_column("\x1f".join(str(i) for i in ids))

    assert parsed.dtype == np.int64 and parsed.tolist() == ids
    assert _int_column("").size == 0 and _int_column(None).size == 0
    assert _int_column("7").tolist() == [7]
    with pytest.raises(ValueError):
        _int_column("1\x1f\x1f3")  # a NULL among the ids
