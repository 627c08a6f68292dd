"""Aggregate reads for the insights pages: supply against demand, the province map, time to a
first accepted match, communities, participants and knowledge, for the whole country or for
the provinces of one hub.

Every figure comes out of the database already counted or summed (GROUP BY, conditional
aggregates, subqueries), except supply: each supplier's remaining capacity comes from the
database and is summed per topic here (one subquery per topic was slower). The number of
queries does not depend on how many challenges or suppliers there are. The definitions
written on the page (templates/insights/_definitions.html) describe exactly these queries:
change both together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    F,
    FilteredRelation,
    FloatField,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest, TruncMonth
from django.utils import timezone

from apps.challenges.models import Challenge, ChallengeStatus
from apps.communities.models import CommunityMembership, CommunityStatus, LearningCommunity
from apps.core.data_version import LEASE_SECONDS, data_version, refreshed_for_data_version
from apps.hubs.models import Hub
from apps.knowledge.models import KnowledgeItem
from apps.matching.models import Match, MatchStatus
from apps.organisations.models import Organisation
from apps.taxonomy.models import AITopic, Province, in_active_language

# A published challenge without a community for longer than this is "stale" (the same
# threshold as the reminders to SMEs and coordinators).
STALE_AFTER_DAYS = 60
# Flows (time to a first accepted match, knowledge produced lately) look back this far.
PERIOD_DAYS = 365
# The chart of challenges published and matched per month shows this many months, the
# current one included.
MONTHS = 12

ChallengeTopic = Challenge.topics.through
OrganisationTopic = Organisation.topics.through
CommunityChallenge = LearningCommunity.challenges.through


class Median(Aggregate):
    """PostgreSQL's continuous median (`percentile_cont(0.5)`)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class IntervalDays(Func):
    """An interval (the difference of two timestamps) in days, with fractions."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) / 86400.0)"
    output_field = FloatField()


# --- Scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a page counts: the whole country, or the provinces of one hub."""

    key: str  # "national" or the hub's slug
    hub: Hub | None
    province_ids: frozenset[int] | None  # None: every province

    @property
    def is_national(self) -> bool:
        return self.hub is None

    def contains(self, province_id: int) -> bool:
        return self.province_ids is None or province_id in self.province_ids


NATIONAL = "national"


def scope_national() -> Scope:
    return Scope(key=NATIONAL, hub=None, province_ids=None)


def scope_for_hub(hub: Hub) -> Scope:
    # `.all()`: from the prefetch when the caller made one (`every_scope`).
    province_ids = frozenset(province.pk for province in hub.provinces.all())
    return Scope(key=hub.slug, hub=hub, province_ids=province_ids)


def _in_provinces(queryset: QuerySet, scope: Scope, path: str) -> QuerySet:
    if scope.province_ids is None:
        return queryset
    return queryset.filter(**{f"{path}__in": sorted(scope.province_ids)})


def _in_hub(queryset: QuerySet, scope: Scope, path: str) -> QuerySet:
    if scope.hub is None:
        return queryset
    return queryset.filter(**{path: scope.hub})


# --- Remaining capacity ----------------------------------------------------------------------


def suppliers_located_in(scope: Scope) -> QuerySet[Organisation]:
    """Active supply organisations located in the scope's provinces."""
    return _in_provinces(Organisation.objects.active().suppliers(), scope, "province")


def suppliers_in_scope(scope: Scope) -> QuerySet[Organisation]:
    """Active supply organisations located in the scope's provinces, each with `remaining`:
    its capacity minus the challenges its committed matches take, never below zero.

    A committed match is an accepted one whose challenge is still open (published, awaiting
    its community) or in a forming or active community: the definition of
    `apps.matching.selectors.remaining_capacity_by_organisation`. `remaining` is an
    aggregate (GROUP BY organisation), so an `.aggregate()` over it runs as a subquery that
    computes each supplier's remaining capacity once."""
    suppliers = suppliers_located_in(scope)
    challenge = "accepted__challenge"
    open_or_running = Q(**{f"{challenge}__status": ChallengeStatus.PUBLISHED}) | Q(
        **{
            f"{challenge}__status": ChallengeStatus.IN_COMMUNITY,
            f"{challenge}__communities__status__in": [
                CommunityStatus.FORMING,
                CommunityStatus.ACTIVE,
            ],
        }
    )
    return (
        suppliers.annotate(
            accepted=FilteredRelation("matches", condition=Q(matches__status=MatchStatus.ACCEPTED))
        )
        .annotate(used=Count(challenge, filter=open_or_running, distinct=True))
        .annotate(remaining=Greatest(F("capacity") - F("used"), Value(0)))
    )


# --- Figures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicFigures:
    topic_id: int
    slug: str
    name: str
    group_id: int
    group_name: str
    is_group: bool
    demand: int
    supply: int

    @property
    def gap(self) -> int:
        return self.demand - self.supply


@dataclass(frozen=True)
class ProvinceFigures:
    province_id: int
    code: str
    name: str
    in_scope: bool
    demand: int
    supply: int
    without_community: int
    stale: int

    @property
    def gap(self) -> int:
        return self.demand - self.supply

    @property
    def unmet(self) -> int:
        return max(self.gap, 0)


@dataclass(frozen=True)
class MatchTiming:
    matched: int
    median_days: float | None
    average_days: float | None
    waiting: int


@dataclass(frozen=True)
class MonthFigures:
    month: date  # its first day
    published: int
    matched: int


@dataclass(frozen=True)
class CountRow:
    value: str
    label: str
    count: int
    extra: int = 0  # a second figure where the table has one (people, items lately)


@dataclass(frozen=True)
class Totals:
    demand: int
    supply: int
    without_community: int
    stale: int

    @property
    def gap(self) -> int:
        return self.demand - self.supply


class shared_figures(cached_property):
    """A `cached_property` of `Insights` whose value (numbers only, no labels) is shared by
    every process while the data version stays the same, and counted again in the background
    once it is `INSIGHTS_CACHE_SECONDS` old (`refreshed_for_data_version`).

    Why: the supply, demand and timing queries take a third of a second at national size
    (`make bench BENCH=load`: a hub's page took 0.35-0.4 s alone, and its coordinators open it
    again and again). Accepted matches change remaining capacity and the timing but not the
    data version (a rematch rewrites a million suggestions), so the figures may be up to
    twice that long behind an acceptance; the page says so. An `Insights` made for a given
    moment (`now=`) computes afresh."""

    def __get__(self, instance, owner=None):
        if instance is None or instance.fixed_time:
            return super().__get__(instance, owner)
        if self.attrname in instance.__dict__:
            return instance.__dict__[self.attrname]
        compute = self.func
        scope = instance.scope
        value = refreshed_for_data_version(
            f"insights-{self.attrname}",
            scope.key,
            lambda: compute(instance),
            # In another thread: its own Insights, sharing nothing with the request's.
            compute_later=lambda: compute(type(instance)(scope)),
            seconds=settings.INSIGHTS_CACHE_SECONDS,
        )
        instance.__dict__[self.attrname] = value
        return value


class Insights:
    """The figures of one scope at one moment. Each kind of figure is computed on first use
    with one or two queries, so a CSV download of one table runs only what that table
    needs, and the page runs every query once."""

    def __init__(self, scope: Scope, *, now: datetime | None = None) -> None:
        self.scope = scope
        self.fixed_time = now is not None
        self.now = now or timezone.now()
        self.period_start = self.now - timedelta(days=PERIOD_DAYS)
        self.stale_before = self.now - timedelta(days=STALE_AFTER_DAYS)

    # Reference data (two small queries).

    @cached_property
    def _topics(self) -> list[AITopic]:
        return list(
            AITopic.objects.only(
                "pk", "slug", "parent_id", "name_nl", "name_en", "position"
            ).order_by("position", "slug")
        )

    @cached_property
    def _groups(self) -> list[tuple[AITopic, list[AITopic]]]:
        leaves: dict[int, list[AITopic]] = {}
        for topic in self._topics:
            if topic.parent_id is not None:
                leaves.setdefault(topic.parent_id, []).append(topic)
        return [(t, leaves.get(t.pk, [])) for t in self._topics if t.parent_id is None]

    @cached_property
    def _provinces(self) -> list[tuple[int, str, str]]:
        rows = Province.objects.order_by("code").values_list("pk", "code", "name_nl", "name_en")
        return [(pk, code, in_active_language(nl, en)) for pk, code, nl, en in rows]

    # Supply: two queries (each supplier's remaining capacity, and the topics they name),
    # summed here per topic, per province and in total. Summing in SQL took one filtered
    # subquery per topic (45 of them): 140 ms for a hub at national size, against 50 ms.

    @shared_figures
    def _supply(self) -> dict[str, int]:
        suppliers = suppliers_in_scope(self.scope).values_list("pk", "province_id", "remaining")
        remaining: dict[int, int] = {}
        sums: dict[str, int] = {"total": 0}
        for province_id, _code, _name in self._provinces:
            if self.scope.contains(province_id):
                sums[f"province_{province_id}"] = 0
        for pk, province_id, left in suppliers:
            remaining[pk] = left
            sums["total"] += left
            if f"province_{province_id}" in sums:
                sums[f"province_{province_id}"] += left
        topics_of: dict[int, set[int]] = {}
        for organisation_id, topic_id in OrganisationTopic.objects.filter(
            organisation_id__in=suppliers_located_in(self.scope).values("pk")
        ).values_list("organisation_id", "aitopic_id"):
            topics_of.setdefault(topic_id, set()).add(organisation_id)
        for group, leaves in self._groups:
            # A group counts each supplier naming the group or any of its topics once.
            naming_group = set(topics_of.get(group.pk, ()))
            for leaf in leaves:
                naming_leaf = topics_of.get(leaf.pk, set())
                naming_group |= naming_leaf
                sums[f"topic_{leaf.pk}"] = sum(remaining.get(pk, 0) for pk in naming_leaf)
            sums[f"topic_{group.pk}"] = sum(remaining.get(pk, 0) for pk in naming_group)
        return sums

    # Demand: published challenges in scope naming a topic; a group counts each challenge
    # naming the group or any of its topics once.

    def _published(self) -> QuerySet[Challenge]:
        return _in_provinces(Challenge.objects.published(), self.scope, "province")

    @shared_figures
    def _demand(self) -> dict[int, int]:
        """One pass over the topic links of published challenges in scope: a count per
        topic, and per group the distinct challenges naming the group or any topic in it."""
        links = _in_provinces(
            ChallengeTopic.objects.filter(challenge__status=ChallengeStatus.PUBLISHED),
            self.scope,
            "challenge__province",
        )
        counts = {}
        for group, leaves in self._groups:
            ids = [group.pk, *(leaf.pk for leaf in leaves)]
            counts[f"topic_{group.pk}"] = Count(
                "challenge_id", distinct=True, filter=Q(aitopic_id__in=ids)
            )
            for leaf in leaves:
                counts[f"topic_{leaf.pk}"] = Count("pk", filter=Q(aitopic_id=leaf.pk))
        result = links.aggregate(**counts)
        return {int(key.removeprefix("topic_")): value for key, value in result.items()}

    @cached_property
    def topics(self) -> list[TopicFigures]:
        """Each group followed by its topics, in the taxonomy's order."""
        rows = []
        for group, leaves in self._groups:
            for topic in (group, *leaves):
                rows.append(
                    TopicFigures(
                        topic_id=topic.pk,
                        slug=topic.slug,
                        name=topic.name,
                        group_id=group.pk,
                        group_name=group.name,
                        is_group=topic is group,
                        demand=self._demand.get(topic.pk, 0),
                        supply=self._supply.get(f"topic_{topic.pk}", 0),
                    )
                )
        return rows

    @cached_property
    def topic_groups(self) -> list[TopicFigures]:
        return [row for row in self.topics if row.is_group]

    # Provinces: published challenges, those without a community, and supply.

    @shared_figures
    def _challenge_counts(self) -> dict[int, dict[str, int]]:
        linked = CommunityChallenge.objects.values("challenge_id")
        rows = (
            self._published()
            .order_by()
            .values("province_id")
            .annotate(
                demand=Count("pk"),
                without_community=Count("pk", filter=~Q(pk__in=linked)),
                stale=Count("pk", filter=~Q(pk__in=linked) & Q(published_at__lt=self.stale_before)),
                in_period=Count("pk", filter=Q(published_at__gte=self.period_start)),
            )
        )
        return {row.pop("province_id"): row for row in rows}

    @cached_property
    def provinces(self) -> list[ProvinceFigures]:
        """All 12 provinces by code; those outside the scope carry zeros and `in_scope`
        False (the map greys them)."""
        rows = []
        for province_id, code, name in self._provinces:
            counts = self._challenge_counts.get(province_id, {})
            in_scope = self.scope.contains(province_id)
            rows.append(
                ProvinceFigures(
                    province_id=province_id,
                    code=code,
                    name=name,
                    in_scope=in_scope,
                    demand=counts.get("demand", 0),
                    supply=self._supply.get(f"province_{province_id}", 0) if in_scope else 0,
                    without_community=counts.get("without_community", 0),
                    stale=counts.get("stale", 0),
                )
            )
        return rows

    @cached_property
    def provinces_in_scope(self) -> list[ProvinceFigures]:
        return [row for row in self.provinces if row.in_scope]

    @cached_property
    def totals(self) -> Totals:
        rows = self.provinces_in_scope
        return Totals(
            demand=sum(row.demand for row in rows),
            supply=self._supply["total"],
            without_community=sum(row.without_community for row in rows),
            stale=sum(row.stale for row in rows),
        )

    # Time from publication to the first accepted match.

    @shared_figures
    def match_timing(self) -> MatchTiming:
        """Per challenge published in the period with an accepted match: the days from
        publication to the earliest acceptance, then their median and average. The same
        query counts the open ones among them, so "still waiting" (open challenges of the
        period without an accepted match) needs no second look at the matches."""
        accepted = _in_provinces(
            Match.objects.filter(
                status=MatchStatus.ACCEPTED, challenge__published_at__gte=self.period_start
            ),
            self.scope,
            "challenge__province",
        )
        per_challenge = (
            accepted.order_by()
            .values("challenge_id", "challenge__published_at")
            .annotate(
                is_open=Case(
                    When(challenge__status=ChallengeStatus.PUBLISHED, then=Value(1)),
                    default=Value(0),
                ),
                first_accepted=Min("status_changed_at"),
            )
            .annotate(days=IntervalDays(F("first_accepted") - F("challenge__published_at")))
        )
        figures = per_challenge.aggregate(
            matched=Count("days"),
            median=Median("days"),
            average=Avg("days"),
            open_with_match=Sum("is_open"),
        )
        open_in_period = sum(counts["in_period"] for counts in self._challenge_counts.values())
        return MatchTiming(
            matched=figures["matched"] or 0,
            median_days=figures["median"],
            average_days=figures["average"],
            waiting=open_in_period - (figures["open_with_match"] or 0),
        )

    # Per month: challenges published and matched.

    @cached_property
    def months(self) -> list[date]:
        """The first days of the last MONTHS months, the current one (in the site's time
        zone) last."""
        today = timezone.localtime(self.now).date()
        index = today.year * 12 + today.month - 1
        return [date(i // 12, i % 12 + 1, 1) for i in range(index - MONTHS + 1, index + 1)]

    @shared_figures
    def per_month(self) -> list[MonthFigures]:
        """Per month of `months`: the challenges in scope published that month (whatever
        their status now; drafts and those in review never count), and the challenges whose
        first accepted match was accepted that month (the moment `match_timing` measures).
        One query: the two monthly counts as a UNION ALL of two GROUP BYs."""
        start = timezone.make_aware(datetime.combine(self.months[0], datetime.min.time()))
        challenges = _in_provinces(Challenge.objects.all(), self.scope, "province")
        published = (
            challenges.open()
            .filter(published_at__gte=start)
            .annotate(month=TruncMonth("published_at"), kind=Value("published"))
            .order_by()
            .values("month", "kind")
            .annotate(n=Count("pk"))
            .values_list("month", "kind", "n")
        )
        first_accepted = (
            Match.objects.filter(challenge=OuterRef("pk"), status=MatchStatus.ACCEPTED)
            .order_by("status_changed_at")
            .values("status_changed_at")[:1]
        )
        matched = (
            challenges.annotate(first_accepted=Subquery(first_accepted))
            .filter(first_accepted__gte=start)
            .annotate(month=TruncMonth("first_accepted"), kind=Value("matched"))
            .order_by()
            .values("month", "kind")
            .annotate(n=Count("pk"))
            .values_list("month", "kind", "n")
        )
        counts: dict[tuple[date, str], int] = {}
        for month, kind, n in published.union(matched, all=True):
            counts[(timezone.localtime(month).date(), kind)] = n
        return [
            MonthFigures(
                month=month,
                published=counts.get((month, "published"), 0),
                matched=counts.get((month, "matched"), 0),
            )
            for month in self.months
        ]

    # Communities, their participants and what they produced.

    def _communities(self) -> QuerySet[LearningCommunity]:
        return _in_hub(LearningCommunity.objects.all(), self.scope, "hub")

    @cached_property
    def communities_by_status(self) -> list[CountRow]:
        counts = dict(
            self._communities()
            .order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        return [
            CountRow(value=status.value, label=status.label, count=counts.get(status.value, 0))
            for status in CommunityStatus
        ]

    def _memberships(self) -> QuerySet[CommunityMembership]:
        return _in_hub(CommunityMembership.objects.all(), self.scope, "community__hub")

    @cached_property
    def participants_by_role(self) -> list[CountRow]:
        counts = {
            row["role"]: row
            for row in self._memberships()
            .order_by()
            .values("role")
            .annotate(memberships=Count("pk"), people=Count("user_id", distinct=True))
        }
        return [
            CountRow(
                value=role.value,
                label=role.label,
                count=counts.get(role.value, {}).get("memberships", 0),
                extra=counts.get(role.value, {}).get("people", 0),
            )
            for role in CommunityMembership.Role
        ]

    @cached_property
    def participants_total(self) -> CountRow:
        """People are counted once even with several roles or communities."""
        figures = self._memberships().aggregate(
            memberships=Count("pk"), people=Count("user_id", distinct=True)
        )
        return CountRow(
            value="total", label="", count=figures["memberships"], extra=figures["people"]
        )

    @cached_property
    def knowledge_by_kind(self) -> list[CountRow]:
        items = _in_hub(
            KnowledgeItem.objects.filter(source_community__isnull=False),
            self.scope,
            "source_community__hub",
        )
        counts = {
            row["kind"]: row
            for row in items.order_by()
            .values("kind")
            .annotate(
                n=Count("pk"), recent=Count("pk", filter=Q(created_at__gte=self.period_start))
            )
        }
        return [
            CountRow(
                value=kind.value,
                label=kind.label,
                count=counts.get(kind.value, {}).get("n", 0),
                extra=counts.get(kind.value, {}).get("recent", 0),
            )
            for kind in KnowledgeItem.Kind
        ]


# --- Counted before anyone asks ---------------------------------------------------------------


def every_scope() -> list[Scope]:
    """The country and every hub: the scopes an insights page can show."""
    hubs = Hub.objects.prefetch_related("provinces").order_by("slug")
    return [scope_national(), *(scope_for_hub(hub) for hub in hubs)]


def shared_figures_count_all() -> int:
    """Count the shared figures of every scope that has none for the current data yet, and
    return how many scopes this process counted. Each scope is counted by one process (a
    lease in the cache): the workers gunicorn starts together share the work.

    Why: right after a start with an empty cache, each hub's first page counted its figures
    while its coordinator waited (a third of a second alone, more under load)."""
    counted = 0
    for scope in every_scope():
        lease = f"insights-count-all:{data_version()}:{scope.key}"
        if not cache.add(lease, 1, LEASE_SECONDS):
            continue
        insights = Insights(scope)
        for name in SHARED_FIGURES:
            getattr(insights, name)
        counted += 1
    return counted


SHARED_FIGURES = [
    name for name, value in vars(Insights).items() if isinstance(value, shared_figures)
]
