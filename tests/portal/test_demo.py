from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.accounts.models import User
from apps.challenges.models import (
    OPEN_STATUSES,
    Challenge,
    ChallengeInterest,
    ChallengeStatus,
    Visibility,
)
from apps.communities.models import (
    Activity,
    CommunityMembership,
    CommunityStatus,
    JoinRequest,
    LearningCommunity,
    LearningRecord,
    Update,
)
from apps.hubs.models import Hub, HubCoordinator
from apps.hubs.services import PROGRAMME_COORDINATOR_GROUP_NAME
from apps.knowledge.models import KnowledgeItem
from apps.matching.engine import ALGORITHM_VERSION as ENGINE_VERSION
from apps.matching.models import IntroductionRequest, Match, MatchStatus
from apps.matching.services import introduction_request_decide, match_score_pairs
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.notifications.services import notification_email_send
from apps.organisations.models import Membership, Organisation
from apps.organisations.services import membership_decide
from apps.portal import demo
from apps.portal.demo import (
    DEMO_LOGINS,
    HUB_COORDINATOR,
    LAB_STAFF,
    LECTURER,
    PROGRAMME_COORDINATOR,
    SME_OWNER,
    demo_load,
)
from apps.portal.for_you import match_recommendations_for_person
from apps.taxonomy.models import OrganisationKind, Province

pytestmark = pytest.mark.django_db

PASSWORD = "demo-test-wachtwoord"
# A fixed "now", so two loads in one test see the same day even across midnight.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


def load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", "--force", *args, stdout=out)
    return out.getvalue()


def demo_organisations():
    return Organisation.objects.filter(ref__startswith="demo-org-")


def demo_challenges():
    return Challenge.objects.filter(ref__startswith="demo-ch-")


def row_counts() -> dict[str, int]:
    models = [
        Organisation,
        Organisation.topics.through,
        Organisation.formats.through,
        Membership,
        User,
        EmailAddress,
        HubCoordinator,
        Challenge,
        Challenge.topics.through,
        LearningCommunity,
        LearningCommunity.challenges.through,
        CommunityMembership,
        JoinRequest,
        Activity,
        Update,
        KnowledgeItem,
        Match,
        LearningRecord,
        ChallengeInterest,
        IntroductionRequest,
        Notification,
    ]
    return {model._meta.label: model.objects.count() for model in models}


def test_command_loads_a_believable_dataset():
    output = load_demo("--password", PASSWORD)

    assert 55 <= demo_organisations().count() <= 70
    assert demo_challenges().count() == 40
    assert 4 <= LearningCommunity.objects.count() <= 5
    # The demo's own decided matches plus the matcher's top 10 per published challenge.
    assert 10 <= Match.objects.count() <= 40 + 10 * 16
    assert KnowledgeItem.objects.count() >= 5
    assert User.objects.filter(email__endswith="@demo.aihubs.nl").count() >= 15
    assert f"{demo_organisations().count()} organisations" in output
    assert "40 challenges" in output


def test_every_organisation_kind_and_province_is_present():
    demo_load(password=PASSWORD, now=NOW)

    kinds = set(demo_organisations().values_list("kind__slug", flat=True))
    assert kinds == set(OrganisationKind.objects.values_list("slug", flat=True))
    provinces = set(demo_organisations().values_list("province__code", flat=True))
    assert provinces == set(Province.objects.values_list("code", flat=True))
    assert demo_organisations().filter(serves_nationally=True).exists()


def test_supply_organisations_have_capacity_formats_and_lectorates_a_parent():
    demo_load(password=PASSWORD, now=NOW)

    for organisation in demo_organisations().suppliers().prefetch_related("formats"):
        assert 1 <= organisation.capacity <= 5, organisation
        assert organisation.formats.all(), organisation
    for organisation in demo_organisations().filter(kind__slug="lectorate"):
        assert organisation.parent.kind.slug == "hbo"
    assert not demo_organisations().demanders().filter(capacity__gt=0).exists()


def test_every_challenge_status_and_visibility_is_present_with_a_consistent_history():
    demo_load(password=PASSWORD, now=NOW)

    assert set(demo_challenges().values_list("status", flat=True)) == set(ChallengeStatus.values)
    assert set(demo_challenges().values_list("visibility", flat=True)) == set(Visibility.values)
    for challenge in demo_challenges().select_related("organisation__kind"):
        assert challenge.organisation.kind.role == "demand"
        assert challenge.topics.exists()
        assert (challenge.status == ChallengeStatus.REJECTED) == bool(challenge.rejection_reason)
        assert (challenge.published_at is not None) == (challenge.status in OPEN_STATUSES)
        assert (challenge.closed_at is not None) == (challenge.status == ChallengeStatus.CLOSED)
        assert (challenge.submitted_at is None) == (challenge.status == ChallengeStatus.DRAFT)
        moments = [
            moment
            for moment in (
                challenge.created_at,
                challenge.submitted_at,
                challenge.published_at,
                challenge.closed_at,
            )
            if moment is not None
        ]
        assert moments == sorted(moments), challenge.ref
        assert moments[-1] <= NOW


def test_communities_cover_every_status_role_and_kind_of_activity():
    demo_load(password=PASSWORD, now=NOW)

    statuses = set(LearningCommunity.objects.values_list("status", flat=True))
    assert statuses == set(CommunityStatus.values)
    hubs = LearningCommunity.objects.values_list("hub", flat=True).distinct()
    assert len(hubs) >= 4
    roles = set(CommunityMembership.objects.values_list("role", flat=True))
    assert roles == set(CommunityMembership.Role.values)
    assert JoinRequest.objects.filter(state=JoinRequest.State.PENDING).count() >= 2
    assert Activity.objects.filter(starts_at__lt=NOW).exists()
    assert Activity.objects.filter(starts_at__gt=NOW).exists()
    for activity in Activity.objects.all():
        assert activity.location or activity.online_url, activity
    assert Update.objects.count() >= 5
    for community in LearningCommunity.objects.prefetch_related("challenges"):
        wanted = (
            {ChallengeStatus.CLOSED}
            if community.status == CommunityStatus.COMPLETED
            else {ChallengeStatus.IN_COMMUNITY}
        )
        assert {c.status for c in community.challenges.all()} == wanted
        assert community.organisations.count() >= 3
    in_community = demo_challenges().filter(status=ChallengeStatus.IN_COMMUNITY)
    assert not in_community.filter(communities__isnull=True).exists()


def test_knowledge_items_come_from_communities_with_topics_and_licences():
    demo_load(password=PASSWORD, now=NOW)

    items = KnowledgeItem.objects.all()
    assert {"case", "tool", "lesson", "teaching-material"} <= set(
        items.values_list("kind", flat=True)
    )
    assert items.filter(source_community__isnull=False).count() >= 5
    assert len(set(items.values_list("licence", flat=True))) >= 3
    for item in items:
        assert item.topics.exists(), item


def test_matches_are_scored_and_explain_themselves_without_overbooking():
    demo_load(password=PASSWORD, now=NOW)

    matches = Match.objects.select_related("challenge", "organisation__kind")
    assert {MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED, MatchStatus.ACCEPTED} <= {
        m.status for m in matches
    }
    for match in matches:
        assert 0 <= match.score <= 1
        assert match.algorithm_version == ENGINE_VERSION  # scored by the matcher itself
        assert match.organisation.kind.role == "supply"
        assert match.challenge.status in OPEN_STATUSES
        codes = {reason["code"]: reason["params"] for reason in match.reasons}
        # An exact topic, or one in the same group (the engine's reason names which).
        assert codes["shared_topics"]["topics"] or codes["shared_topics"]["related"]
        assert codes["region"]["relation"]
    # No second scoring: each decided pair carries the matcher's own score and reasons.
    scored = match_score_pairs(pairs=[(m.challenge_id, m.organisation_id) for m in matches])
    for match in matches:
        assert (match.score, match.reasons) == scored[(match.challenge_id, match.organisation_id)]
    accepted = Counter(m.organisation for m in matches if m.status == MatchStatus.ACCEPTED)
    for organisation, count in accepted.items():
        assert count <= organisation.capacity, organisation
    for match in matches.filter(status=MatchStatus.SUGGESTED):
        assert accepted[match.organisation] < match.organisation.capacity, match


@pytest.mark.parametrize("email", DEMO_LOGINS)
def test_every_demo_login_can_sign_in_with_the_password(client, email):
    load_demo("--password", PASSWORD)

    assert EmailAddress.objects.filter(email=email, verified=True, primary=True).exists()
    assert client.login(email=email, password=PASSWORD)


def test_demo_roles_have_the_rights_the_demo_needs():
    demo_load(password=PASSWORD, now=NOW)

    owner = User.objects.get(email="mkb@demo.aihubs.nl")
    assert owner.memberships.get().role == Membership.Role.ADMIN
    assert owner.memberships.get().organisation.kind.slug == "sme"
    lecturer = User.objects.get(email="docent@demo.aihubs.nl")
    assert lecturer.memberships.get().organisation.kind.slug == "hbo"
    assert lecturer.expertise_topics.exists() and lecturer.province is not None
    lab = User.objects.get(email="lab@demo.aihubs.nl")
    assert lab.memberships.get().organisation.kind.slug == "innovation-lab"
    coordinator = User.objects.get(email=HUB_COORDINATOR)
    assert coordinator.is_staff and not coordinator.is_superuser
    assert list(Hub.objects.coordinated_by(coordinator)) == [Hub.objects.get(slug="zuid-holland")]
    programme = User.objects.get(email=PROGRAMME_COORDINATOR)
    assert programme.is_staff and programme.is_programme_coordinator
    assert not programme.is_superuser  # national reach through the programme group
    assert programme.groups.filter(name=PROGRAMME_COORDINATOR_GROUP_NAME).exists()


def test_hub_coordinator_joins_the_coordinator_group_where_the_hubs_app_has_one():
    services = pytest.importorskip("apps.hubs.services")
    if not hasattr(services, "coordinator_group_ensure"):
        pytest.skip("apps.hubs.services has no coordinator_group_ensure yet")
    demo_load(password=PASSWORD, now=NOW)

    coordinator = User.objects.get(email=HUB_COORDINATOR)
    assert coordinator.groups.filter(pk=services.coordinator_group_ensure().pk).exists()


def test_loading_twice_duplicates_nothing_and_writes_nothing():
    first = demo_load(password=PASSWORD, now=NOW)
    counts = row_counts()

    second = demo_load(password=PASSWORD, now=NOW)

    assert row_counts() == counts
    assert second.writes == 0
    assert second == replace(first, writes=0)


def test_second_load_is_a_few_queries(django_assert_max_num_queries):
    demo_load(password=PASSWORD, now=NOW)

    with django_assert_max_num_queries(60):
        demo_load(password=PASSWORD, now=NOW)


def test_a_later_day_moves_the_history_along_without_new_rows():
    demo_load(password=PASSWORD, now=NOW)
    counts = row_counts()
    published = demo_challenges().get(ref="demo-ch-002").published_at

    summary = demo_load(password=PASSWORD, now=NOW + timedelta(days=3))

    assert row_counts() == counts
    assert summary.writes > 0
    assert demo_challenges().get(ref="demo-ch-002").published_at == published + timedelta(days=3)


def test_a_rerun_restores_demo_rows_and_leaves_hub_websites_that_were_set(client):
    Hub.objects.filter(slug="zuid-holland").update(website="https://zh.example.org")
    demo_load(password=PASSWORD, now=NOW)
    demo_challenges().filter(ref="demo-ch-004").update(status=ChallengeStatus.DRAFT)
    demo_organisations().get(ref="demo-org-001").topics.clear()

    demo_load(password="een-ander-wachtwoord", now=NOW)

    assert Hub.objects.get(slug="zuid-holland").website == "https://zh.example.org"
    assert Hub.objects.exclude(website="").count() == Hub.objects.count()
    assert demo_challenges().get(ref="demo-ch-004").status == ChallengeStatus.SUBMITTED
    assert demo_organisations().get(ref="demo-org-001").topics.exists()
    assert client.login(email="mkb@demo.aihubs.nl", password="een-ander-wachtwoord")


def test_password_comes_from_the_environment_when_not_given(client, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "uit-de-omgeving")

    load_demo()

    assert client.login(email="docent@demo.aihubs.nl", password="uit-de-omgeving")


def test_demo_data_passes_model_validation():
    demo_load(password=PASSWORD, now=NOW)

    for organisation in demo_organisations():
        organisation.full_clean()
    for challenge in demo_challenges():
        challenge.full_clean()
    for community in LearningCommunity.objects.all():
        community.full_clean()
    for item in KnowledgeItem.objects.all():
        item.full_clean()


def test_command_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("load_demo", stdout=StringIO())
    assert not demo_organisations().exists()


def test_command_keeps_an_already_loaded_demo_as_people_left_it():
    load_demo()
    demo_challenges().filter(ref="demo-ch-004").update(status=ChallengeStatus.DRAFT)

    output = load_demo()

    assert "already loaded" in output
    assert demo_challenges().get(ref="demo-ch-004").status == ChallengeStatus.DRAFT
    load_demo("--refresh")
    assert demo_challenges().get(ref="demo-ch-004").status == ChallengeStatus.SUBMITTED


def test_loading_the_demo_computes_real_suggestions_and_keeps_the_demos_decisions():
    from apps.matching.engine import ALGORITHM_VERSION

    load_demo()
    published = demo_challenges().filter(status=ChallengeStatus.PUBLISHED)
    computed = Match.objects.filter(challenge__in=published, algorithm_version=ALGORITHM_VERSION)
    assert computed.exists()
    assert Match.objects.filter(status=MatchStatus.ACCEPTED).exists()


# --- What the demo logins find of the features for members ------------------------------------


def notice_kinds(email: str) -> set[str]:
    return set(Notification.objects.filter(recipient__email=email).values_list("kind", flat=True))


def test_communities_with_members_have_learning_records_by_their_members():
    summary = demo_load(password=PASSWORD, now=NOW)

    records = LearningRecord.objects.select_related("community", "user")
    assert summary.learning_records == records.count() >= 5
    assert records.values("community").distinct().count() >= 3
    for record in records:
        assert CommunityMembership.objects.filter(
            community=record.community, user=record.user
        ).exists(), record
        assert record.text and record.created_at <= record.updated_at <= NOW
    lecturer_records = records.filter(user__email=LECTURER)
    assert lecturer_records.exists()


def test_the_lecturer_has_a_profile_for_recommendations_an_interest_and_a_join_request():
    demo_load(password=PASSWORD, now=NOW)
    lecturer = User.objects.get(email=LECTURER)

    assert lecturer.offer and lecturer.province and lecturer.expertise_topics.exists()
    assert match_recommendations_for_person(person=lecturer)
    interest = ChallengeInterest.objects.select_related("challenge").get(user=lecturer)
    assert interest.challenge.status == ChallengeStatus.PUBLISHED and interest.message
    assert interest.created_at < NOW
    pending = JoinRequest.objects.get(user=lecturer, state=JoinRequest.State.PENDING)
    assert not CommunityMembership.objects.filter(
        community=pending.community, user=lecturer
    ).exists()


def test_the_sme_asked_for_an_introduction_to_a_shortlisted_partner():
    summary = demo_load(password=PASSWORD, now=NOW)

    owner = User.objects.get(email=SME_OWNER)
    introduction = IntroductionRequest.objects.select_related(
        "match__challenge", "match__organisation"
    ).get()
    assert summary.introductions == 1
    assert introduction.requested_by == owner
    assert introduction.state == IntroductionRequest.State.REQUESTED
    assert introduction.match.status == MatchStatus.SHORTLISTED
    assert introduction.match.challenge.organisation == owner.memberships.get().organisation
    # The lab's demo login administers the partner, so it can answer the request.
    assert Membership.objects.filter(
        organisation=introduction.match.organisation,
        user__email=LAB_STAFF,
        role=Membership.Role.ADMIN,
        state=Membership.State.ACTIVE,
    ).exists()


def test_an_introduction_to_a_pair_the_demo_does_not_match_is_left_out(monkeypatch):
    unmatched = demo.Introduction("demo-ch-011", "demo-org-027", SME_OWNER, 2, "Hallo.")
    monkeypatch.setattr(demo, "INTRODUCTIONS", [*demo.INTRODUCTIONS, unmatched])

    summary = demo_load(password=PASSWORD, now=NOW)

    assert summary.introductions == 1
    assert not IntroductionRequest.objects.filter(match__challenge__ref="demo-ch-011").exists()


def test_the_introduction_outlives_the_matcher_run_of_the_command():
    load_demo()

    introduction = IntroductionRequest.objects.select_related("match").get()
    assert introduction.match.status == MatchStatus.SHORTLISTED

    load_demo("--refresh")

    assert IntroductionRequest.objects.get().pk == introduction.pk


def test_an_organisation_with_an_admin_has_a_pending_membership_request():
    summary = demo_load(password=PASSWORD, now=NOW)

    request = Membership.objects.select_related("organisation").get(
        state=Membership.State.REQUESTED
    )
    assert summary.membership_requests == 1
    assert request.organisation.memberships.filter(
        user__email=SME_OWNER, role=Membership.Role.ADMIN, state=Membership.State.ACTIVE
    ).exists()
    assert not request.user.memberships.filter(state=Membership.State.ACTIVE).exists()


def test_demo_logins_have_notices_made_by_the_services_with_dedupe_keys():
    demo_load(password=PASSWORD, now=NOW)

    assert {
        NotificationKind.INTEREST_EXPRESSED,
        NotificationKind.ORGANISATION_JOIN_REQUEST,
    } <= notice_kinds(SME_OWNER)
    assert NotificationKind.COMMUNITY_UPDATE in notice_kinds(LECTURER)
    assert {
        NotificationKind.INTRODUCTION_REQUESTED,
        NotificationKind.COMMUNITY_UPDATE,
    } <= notice_kinds(LAB_STAFF)
    assert {
        NotificationKind.INTRODUCTION_REQUESTED,
        NotificationKind.COMMUNITY_JOIN_REQUEST,
        NotificationKind.COMMUNITY_UPDATE,
    } <= notice_kinds(HUB_COORDINATOR)
    assert not Notification.objects.filter(dedupe_key="").exists()
    # Nobody is told about their own doing.
    assert not Notification.objects.filter(
        recipient__email=SME_OWNER, kind=NotificationKind.COMMUNITY_UPDATE
    ).exists()
    interest = ChallengeInterest.objects.get(user__email=LECTURER)
    notice = Notification.objects.get(
        recipient__email=SME_OWNER, kind=NotificationKind.INTEREST_EXPRESSED
    )
    assert "Fatima el Amrani" in notice.title and interest.challenge.title in notice.title


def test_a_second_load_adds_no_notices():
    demo_load(password=PASSWORD, now=NOW)
    notices = set(Notification.objects.values_list("recipient", "kind", "dedupe_key"))

    demo_load(password=PASSWORD, now=NOW + timedelta(days=1))

    assert set(Notification.objects.values_list("recipient", "kind", "dedupe_key")) == notices


def test_demo_notices_queue_their_email_after_commit_and_can_be_sent(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        demo_load(password=PASSWORD, now=NOW)

    # One email per notice; the other hooks hand the texts to the embedding worker and the
    # match runs that an accepted match starts (its supplier's capacity changed) to workers.
    emails = [hook for hook in callbacks if hook.__name__ == "deliver_send_notification_email"]
    assert len(emails) == Notification.objects.count() > 0
    assert not mailoutbox
    notice = Notification.objects.get(
        recipient__email=SME_OWNER, kind=NotificationKind.INTEREST_EXPRESSED
    )
    assert notification_email_send(notification_id=notice.pk)
    assert [message.to for message in mailoutbox] == [[SME_OWNER]]


def test_a_refresh_restores_what_demo_users_did_with_member_features():
    demo_load(password=PASSWORD, now=NOW)
    lab = User.objects.get(email=LAB_STAFF)
    owner = User.objects.get(email=SME_OWNER)
    introduction = IntroductionRequest.objects.get()
    introduction_request_decide(introduction=introduction, accept=True, by=lab)
    request = Membership.objects.get(state=Membership.State.REQUESTED)
    membership_decide(membership=request, approve=True, decided_by=owner)
    LearningRecord.objects.filter(user=owner).update(text="Weggegooid.")
    counts = row_counts()

    demo_load(password=PASSWORD, now=NOW)

    introduction.refresh_from_db()
    assert introduction.state == IntroductionRequest.State.REQUESTED
    assert introduction.decided_at is None
    assert Match.objects.get(pk=introduction.match_id).status == MatchStatus.SHORTLISTED
    assert Membership.objects.get(pk=request.pk).state == Membership.State.REQUESTED
    assert LearningRecord.objects.get(user=owner).text.startswith("Een voorspelling")
    assert row_counts() == counts
