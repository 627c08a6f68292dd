import pytest
from django.contrib.auth.models import AnonymousUser

from apps.challenges.models import ChallengeStatus, Visibility
from apps.challenges.selectors import (
    challenge_get_visible,
    challenge_list,
    challenge_list_for_hub,
    challenge_list_for_organisation,
    challenge_list_latest_public,
)
from apps.hubs.models import Hub
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

anonymous = AnonymousUser()


def titles(queryset):
    return sorted(challenge.title for challenge in queryset)


@pytest.fixture
def challenges(sme):
    """One challenge of `sme` in each state that matters for visibility."""
    return {
        "public": ChallengeFactory(organisation=sme, title="public"),
        "members": ChallengeFactory(
            organisation=sme, title="members", visibility=Visibility.MEMBERS
        ),
        "hub": ChallengeFactory(organisation=sme, title="hub", visibility=Visibility.HUB),
        "draft": ChallengeFactory(organisation=sme, title="draft", status=ChallengeStatus.DRAFT),
        "submitted": ChallengeFactory(
            organisation=sme, title="submitted", status=ChallengeStatus.SUBMITTED
        ),
        "rejected": ChallengeFactory(
            organisation=sme,
            title="rejected",
            status=ChallengeStatus.REJECTED,
            rejection_reason="Te vaag.",
        ),
        "closed": ChallengeFactory(organisation=sme, title="closed", status=ChallengeStatus.CLOSED),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", ["public"]),
        ("outsider", ["members", "public"]),
        ("member", ["hub", "members", "public"]),
        ("coordinator", ["hub", "members", "public"]),
        ("other_hub_coordinator", ["members", "public"]),
    ],
)
def test_challenge_list_holds_the_open_challenges_each_persona_may_see(
    request, challenges, persona, expected
):
    user = anonymous if persona == "anonymous" else request.getfixturevalue(persona)
    assert titles(challenge_list(user=user, filters={})) == expected
    assert titles(challenge_list(user=user)) == expected


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("anonymous", {"public", "closed"}),
        ("outsider", {"public", "members", "closed"}),
        ("member", {"public", "members", "hub", "draft", "submitted", "rejected", "closed"}),
        ("coordinator", {"public", "members", "hub", "submitted", "rejected", "closed"}),
        ("other_hub_coordinator", {"public", "members", "closed"}),
    ],
)
def test_challenge_get_visible_returns_none_when_hidden(request, challenges, persona, visible):
    user = anonymous if persona == "anonymous" else request.getfixturevalue(persona)
    for name, challenge in challenges.items():
        found = challenge_get_visible(user=user, pk=challenge.pk)
        assert (found is not None) == (name in visible), (persona, name)


def test_status_filter_can_include_closed_ones(challenges):
    assert titles(challenge_list(user=anonymous, filters={"status": "closed"})) == ["closed"]
    assert titles(challenge_list(user=anonymous, filters={"status": "all"})) == ["closed", "public"]


def test_filters_accept_a_plain_mapping_with_lists(sme):
    ChallengeFactory(organisation=sme, title="zh")
    ChallengeFactory(title="ut", province_code="NL-UT")
    ChallengeFactory(title="li", province_code="NL-LI")
    found = challenge_list(user=anonymous, filters={"province": ["NL-ZH", "NL-UT"]})
    assert titles(found) == ["ut", "zh"]


def test_latest_public_are_published_public_newest_first(sme):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for days in range(8):
        ChallengeFactory(organisation=sme, title=f"dag {days}", published_at=now - timedelta(days))
    ChallengeFactory(
        organisation=sme, title="leden", visibility=Visibility.MEMBERS, published_at=now
    )
    ChallengeFactory(organisation=sme, title="in gemeenschap", status=ChallengeStatus.IN_COMMUNITY)

    latest = [challenge.title for challenge in challenge_list_latest_public(limit=6)]

    assert latest == [f"dag {days}" for days in range(6)]


def test_lists_per_organisation_and_hub_keep_visibility(sme, challenges, member):
    elsewhere = ChallengeFactory(
        organisation=OrganisationFactory(province_code="NL-LI"), province_code="NL-LI"
    )
    zuid_holland = Hub.objects.get(slug="zuid-holland")

    assert titles(challenge_list_for_organisation(user=anonymous, organisation=sme)) == ["public"]
    assert titles(challenge_list_for_hub(user=member, hub=zuid_holland)) == [
        "hub",
        "members",
        "public",
    ]
    limburg = Hub.objects.get(slug="brightlands-limburg")
    assert list(challenge_list_for_hub(user=anonymous, hub=limburg)) == [elsewhere]


def test_the_ids_a_member_may_see_are_read_from_an_index_alone(member, sme):
    """The directory keeps each person's visible ids (`visible_to`): for a member that
    condition also names their own organisation's challenges. Every column it reads is in
    `challenge_status_province_incl`, so PostgreSQL can answer from that index without
    reading the wide rows (at national size 99 -> 32 ms). Seq scans are switched off here
    only so that the planner shows whether the index can serve the query at all."""
    from django.db import connection

    from apps.challenges.models import Challenge
    from tests.challenges.factories import ChallengeFactory

    for _ in range(5):
        ChallengeFactory(organisation=sme)
    ids = Challenge.objects.visible_to(member).order_by().values_list("pk", flat=True)
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE challenges_challenge"
        ) if not connection.in_atomic_block else None
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Only Scan using challenge_status_province_incl" in plan, plan
