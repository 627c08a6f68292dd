import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.hubs.models import Hub
from apps.insights.selectors import Insights, scope_for_hub, scope_national, suppliers_in_scope
from apps.insights.tables import TABLES
from apps.matching.models import MatchStatus
from apps.matching.selectors import remaining_capacity_by_organisation
from apps.organisations.models import Organisation
from tests.insights.conftest import NOW, published, supplier
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db


def hub_insights(slug="zuid-holland") -> Insights:
    return Insights(scope_for_hub(Hub.objects.get(slug=slug)), now=NOW)


def by_slug(insights: Insights) -> dict:
    return {row.slug: row for row in insights.topics}


def test_topic_demand_counts_published_challenges_and_rolls_leaves_up_into_groups(region):
    topics = by_slug(hub_insights())

    assert topics["predictive-analytics"].demand == 2
    assert topics["time-series"].demand == 1
    assert topics["anomaly-detection"].demand == 0
    # c1 names two topics of the group but counts once; c3 names the group itself.
    assert topics["ml"].demand == 3
    assert topics["ml"].is_group
    assert topics["vision"].demand == 1
    assert topics["visual-inspection"].demand == 1


def test_topic_supply_sums_remaining_capacity_never_below_zero(region):
    topics = by_slug(hub_insights())

    # s1 3-1, s3 1-2 -> 0, s5 5 (its match belongs to a completed community)
    assert topics["predictive-analytics"].supply == 7
    assert topics["time-series"].supply == 2
    # A group counts each supplier naming it or any of its topics once: s1, s2, s3, s5.
    assert topics["ml"].supply == 2 + 1 + 0 + 5
    # The only vision supplier is inactive; demand organisations never count as supply.
    assert topics["visual-inspection"].supply == 0
    assert topics["vision"].supply == 0


def test_gap_is_demand_minus_supply(region):
    topics = by_slug(hub_insights())

    assert topics["predictive-analytics"].gap == 2 - 7
    assert topics["ml"].gap == 3 - 8
    assert topics["vision"].gap == 1


def test_topics_come_as_each_group_followed_by_its_leaves(region):
    rows = hub_insights().topics

    assert rows[0].slug == "ml" and rows[0].is_group
    assert [row.slug for row in rows[1:5]] == [
        "predictive-analytics",
        "time-series",
        "anomaly-detection",
        "recommender-systems",
    ]
    assert all(row.group_name == rows[0].name for row in rows[1:5])
    assert rows[5].slug == "vision"


def test_totals_count_each_challenge_and_supplier_once(region):
    totals = hub_insights().totals

    assert totals.demand == 4
    assert totals.supply == 2 + 1 + 0 + 5
    assert totals.gap == 4 - 8
    assert totals.without_community == 4
    assert totals.stale == 1


def test_hub_page_counts_only_its_provinces(region):
    north = by_slug(hub_insights("noord-nederland"))
    national = Insights(scope_national(), now=NOW)
    national_topics = by_slug(national)

    assert north["predictive-analytics"].demand == 1
    assert north["predictive-analytics"].supply == 2
    assert national_topics["predictive-analytics"].demand == 3
    assert national_topics["predictive-analytics"].supply == 9
    assert national_topics["nlp"].demand == 4
    assert national.totals.demand == 4 + 1 + 3 + 1
    assert national.totals.supply == 8 + 2


def test_provinces_carry_demand_supply_and_unmet_demand(region):
    national = {row.code: row for row in Insights(scope_national(), now=NOW).provinces}

    assert len(national) == 12
    assert (national["NL-ZH"].demand, national["NL-ZH"].supply) == (4, 8)
    assert national["NL-ZH"].unmet == 0
    assert (national["NL-UT"].demand, national["NL-UT"].supply, national["NL-UT"].unmet) == (
        3,
        0,
        3,
    )
    assert national["NL-FL"].unmet == 1
    assert national["NL-GR"].gap == 1 - 2
    assert all(row.in_scope for row in national.values())


def test_provinces_outside_the_hub_are_marked_and_not_counted(region):
    rows = {row.code: row for row in hub_insights().provinces}

    assert rows["NL-ZH"].in_scope
    assert not rows["NL-UT"].in_scope
    assert rows["NL-UT"].supply == 0
    assert [row.code for row in hub_insights().provinces_in_scope] == ["NL-ZH"]


def test_time_to_first_accepted_match(region):
    timing = hub_insights().match_timing

    assert timing.matched == 4  # c1, c2, c4, c6; c7 was published before the period
    assert timing.median_days == pytest.approx((6 + 10) / 2, abs=0.01)
    assert timing.average_days == pytest.approx((10 + 4 + 6 + 20) / 4, abs=0.01)
    assert timing.waiting == 1  # c3


def test_time_to_match_without_any_accepted_match_has_no_figures(db):
    published("NL-ZH", ["nlp"], days=3)

    timing = hub_insights().match_timing

    assert (timing.matched, timing.median_days, timing.average_days) == (0, None, None)
    assert timing.waiting == 1


def test_an_acceptance_without_a_time_is_matched_but_not_timed(db):
    challenge = published("NL-ZH", ["nlp"], days=3)
    MatchFactory(
        challenge=challenge,
        organisation=supplier("NL-ZH", ["nlp"], capacity=1),
        status=MatchStatus.ACCEPTED,
        status_changed_at=None,
    )

    timing = hub_insights().match_timing

    assert (timing.matched, timing.median_days, timing.waiting) == (0, None, 0)


def test_communities_participants_and_knowledge_of_the_hub(region):
    insights = hub_insights()

    assert {row.value: row.count for row in insights.communities_by_status} == {
        "forming": 1,
        "active": 0,
        "completed": 1,
    }
    roles = {row.value: (row.count, row.extra) for row in insights.participants_by_role}
    assert roles["lecturer"] == (2, 1)  # one lecturer in two communities
    assert roles["student"] == (1, 1)
    assert roles["company-participant"] == (1, 1)
    assert roles["researcher"] == (0, 0)
    total = insights.participants_total
    assert (total.count, total.extra) == (4, 3)
    kinds = {row.value: (row.count, row.extra) for row in insights.knowledge_by_kind}
    assert kinds["case"] == (2, 1)  # one of them older than the period
    assert kinds["tool"] == (1, 1)
    assert kinds["lesson"] == (0, 0)


def test_national_communities_include_every_hub(region):
    insights = Insights(scope_national(), now=NOW)

    assert sum(row.count for row in insights.communities_by_status) == 3
    assert insights.participants_total.extra == 4
    assert sum(row.count for row in insights.knowledge_by_kind) == 4  # not the orphan item


def test_remaining_capacity_agrees_with_the_matcher(region):
    used = remaining_capacity_by_organisation()
    ours = dict(suppliers_in_scope(scope_national()).values_list("pk", "remaining"))
    suppliers = Organisation.objects.active().suppliers()

    assert ours == {
        organisation.pk: max(organisation.capacity - used.get(organisation.pk, 0), 0)
        for organisation in suppliers
    }


def test_queries_do_not_grow_with_rows(db):
    def queries_for_page() -> int:
        insights = Insights(scope_national(), now=NOW)
        with CaptureQueriesContext(connection) as captured:
            tables = [build(insights) for build in TABLES.values()]
        assert len(tables) == 8
        return len(captured)

    published("NL-ZH", ["nlp"], days=3)
    supplier("NL-ZH", ["nlp"], capacity=2)
    few = queries_for_page()
    for index in range(20):
        published("NL-GE", ["nlp", "speech"], days=index)
        supplier("NL-LI", ["ml"], capacity=index % 4)

    assert queries_for_page() == few


# --- Per month --------------------------------------------------------------------------------


def test_challenges_published_and_matched_per_month(django_assert_num_queries):
    """The last 12 months up to the current one, oldest first, months without any as 0.
    Published: challenges that went out in the open that month (whatever their status
    now; drafts never count). Matched: challenges whose first accepted match was accepted
    that month; a second acceptance on the same challenge does not count again."""
    import datetime
    from zoneinfo import ZoneInfo

    from apps.challenges.models import ChallengeStatus
    from tests.challenges.factories import ChallengeFactory

    amsterdam = ZoneInfo("Europe/Amsterdam")
    now = datetime.datetime(2026, 6, 15, 12, tzinfo=amsterdam)

    def at(year, month, day, hour=12):
        return datetime.datetime(year, month, day, hour, tzinfo=amsterdam)

    def challenge(when, province="NL-ZH", **kwargs):
        return ChallengeFactory(province_code=province, published_at=when, **kwargs)

    june_a = challenge(at(2026, 6, 1, 0))  # midnight of 1 June in Amsterdam: June
    challenge(at(2026, 6, 10), status=ChallengeStatus.IN_COMMUNITY)
    april = challenge(at(2026, 4, 30, 23))
    challenge(at(2025, 7, 1, 1))  # the oldest month shown
    challenge(at(2025, 6, 30, 12))  # before it: not shown
    challenge(at(2026, 5, 3), status=ChallengeStatus.DRAFT)  # never counts
    challenge(at(2026, 6, 2), province="NL-UT")  # outside the hub
    s1, s2 = supplier("NL-ZH", ["ml"], capacity=3), supplier("NL-ZH", ["ml"], capacity=3)

    def accept(challenge, organisation, when):
        MatchFactory(
            challenge=challenge,
            organisation=organisation,
            status=MatchStatus.ACCEPTED,
            status_changed_at=when,
        )

    accept(april, s1, at(2026, 5, 2))
    accept(april, s2, at(2026, 6, 2))
    accept(june_a, s2, at(2026, 6, 3))
    MatchFactory(challenge=june_a, organisation=s1)  # only suggested

    insights = Insights(scope_for_hub(Hub.objects.get(slug="zuid-holland")), now=now)
    with django_assert_num_queries(1):
        months = insights.per_month

    assert [(m.month.year, m.month.month) for m in months] == [
        *((2025, month) for month in range(7, 13)),
        *((2026, month) for month in range(1, 7)),
    ]
    counts = {m.month: (m.published, m.matched) for m in months}
    assert counts[datetime.date(2026, 6, 1)] == (2, 1)
    assert counts[datetime.date(2026, 5, 1)] == (0, 1)
    assert counts[datetime.date(2026, 4, 1)] == (1, 0)
    assert counts[datetime.date(2025, 7, 1)] == (1, 0)
    assert sum(p for p, _m in counts.values()) == 4
    assert sum(m for _p, m in counts.values()) == 2
    # The country counts Utrecht too.
    national = Insights(scope_national(), now=now).per_month
    assert {m.month: m.published for m in national}[datetime.date(2026, 6, 1)] == 3
