"""The demo's content, checked on one load shared by the module (issue 11: tests that need
the demo load it once per module). Loading itself (idempotence, refresh, the command, the
notices a load sends) is tested in test_demo.py."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction

from apps.accounts.models import User
from apps.challenges.models import (
    OPEN_STATUSES,
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
from apps.hubs.models import Hub
from apps.hubs.services import PROGRAMME_COORDINATOR_GROUP_NAME
from apps.knowledge.models import KnowledgeItem
from apps.matching.engine import ALGORITHM_VERSION as ENGINE_VERSION
from apps.matching.models import IntroductionRequest, Match, MatchStatus
from apps.matching.services import match_score_pairs
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.organisations.models import Membership
from apps.portal.demo import (
    HUB_COORDINATOR,
    LAB_STAFF,
    LECTURER,
    PROGRAMME_COORDINATOR,
    SME_OWNER,
    demo_load,
)
from apps.portal.for_you import match_recommendations_for_person
from apps.taxonomy.models import OrganisationKind, Province
from tests.portal.test_demo import (
    NOW,
    PASSWORD,
    demo_challenges,
    demo_organisations,
    notice_kinds,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for this module inside a transaction rolled back at its end;
    each test runs in a savepoint within it, so what a test changes is undone as usual."""
    with django_db_blocker.unblock(), transaction.atomic():
        summary = demo_load(password=PASSWORD, now=NOW)
        yield summary
        transaction.set_rollback(True)


def test_every_organisation_kind_and_province_is_present(loaded_demo):
    kinds = set(demo_organisations().values_list("kind__slug", flat=True))
    assert kinds == set(OrganisationKind.objects.values_list("slug", flat=True))
    provinces = set(demo_organisations().values_list("province__code", flat=True))
    assert provinces == set(Province.objects.values_list("code", flat=True))
    assert demo_organisations().filter(serves_nationally=True).exists()


def test_supply_organisations_have_capacity_formats_and_lectorates_a_parent(loaded_demo):
    for organisation in demo_organisations().suppliers().prefetch_related("formats"):
        assert 1 <= organisation.capacity <= 5, organisation
        assert organisation.formats.all(), organisation
    for organisation in demo_organisations().filter(kind__slug="lectorate"):
        assert organisation.parent.kind.slug == "hbo"
    assert not demo_organisations().demanders().filter(capacity__gt=0).exists()


def test_every_challenge_status_and_visibility_is_present_with_a_consistent_history(loaded_demo):
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


def test_communities_cover_every_status_role_and_kind_of_activity(loaded_demo):
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


def test_knowledge_items_come_from_communities_with_topics_and_licences(loaded_demo):
    items = KnowledgeItem.objects.all()
    assert {"case", "tool", "lesson", "teaching-material"} <= set(
        items.values_list("kind", flat=True)
    )
    assert items.filter(source_community__isnull=False).count() >= 5
    assert len(set(items.values_list("licence", flat=True))) >= 3
    for item in items:
        assert item.topics.exists(), item


def test_matches_are_scored_and_explain_themselves_without_overbooking(loaded_demo):
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


def test_demo_roles_have_the_rights_the_demo_needs(loaded_demo):
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


def test_demo_data_passes_model_validation(loaded_demo):
    for organisation in demo_organisations():
        organisation.full_clean()
    for challenge in demo_challenges():
        challenge.full_clean()
    for community in LearningCommunity.objects.all():
        community.full_clean()
    for item in KnowledgeItem.objects.all():
        item.full_clean()


def test_communities_with_members_have_learning_records_by_their_members(loaded_demo):
    summary = loaded_demo

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


def test_the_lecturer_has_a_profile_for_recommendations_an_interest_and_a_join_request(loaded_demo):
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


def test_the_sme_asked_for_an_introduction_to_a_shortlisted_partner(loaded_demo):
    summary = loaded_demo

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


def test_an_organisation_with_an_admin_has_a_pending_membership_request(loaded_demo):
    summary = loaded_demo

    request = Membership.objects.select_related("organisation").get(
        state=Membership.State.REQUESTED
    )
    assert summary.membership_requests == 1
    assert request.organisation.memberships.filter(
        user__email=SME_OWNER, role=Membership.Role.ADMIN, state=Membership.State.ACTIVE
    ).exists()
    assert not request.user.memberships.filter(state=Membership.State.ACTIVE).exists()


def test_demo_logins_have_notices_made_by_the_services_with_dedupe_keys(loaded_demo):
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
    told = Notification.objects.filter(
        recipient__email=SME_OWNER, kind=NotificationKind.COMMUNITY_UPDATE
    ).values_list("dedupe_key", flat=True)
    own = {
        f"update-{pk}"
        for pk in Update.objects.filter(author__email=SME_OWNER).values_list("pk", flat=True)
    }
    assert own and not own & set(told)
    interest = ChallengeInterest.objects.get(user__email=LECTURER)
    notice = Notification.objects.get(
        recipient__email=SME_OWNER, kind=NotificationKind.INTEREST_EXPRESSED
    )
    assert "Fatima el Amrani" in notice.title and interest.challenge.title in notice.title


def test_upcoming_activities_and_recent_updates_were_announced_by_the_services(loaded_demo):
    from apps.portal.demo import ANNOUNCED_WITHIN_DAYS
    from apps.portal.demo_data.communities import COMMUNITIES

    # Announced now (unread); what is long past was announced then and read long ago.
    announced = set(
        Notification.objects.filter(read_at__isnull=True).values_list("dedupe_key", flat=True)
    )
    history = set(
        Notification.objects.filter(read_at__isnull=False).values_list("dedupe_key", flat=True)
    )
    activity_pk = {
        (a.community.slug, a.title): a.pk for a in Activity.objects.select_related("community")
    }
    update_pk = {
        (u.community.slug, u.body): u.pk for u in Update.objects.select_related("community")
    }
    upcoming = [
        f"activity-{activity_pk[(c.slug, m.title)]}" in announced
        for c in COMMUNITIES
        for m in c.activities
        if m.days_from_today >= 0
    ]
    past = [
        f"activity-{activity_pk[(c.slug, m.title)]}" in announced
        for c in COMMUNITIES
        for m in c.activities
        if m.days_from_today < 0
    ]
    recent = [
        f"update-{update_pk[(c.slug, p.body)]}" in announced
        for c in COMMUNITIES
        for p in c.updates
        if p.days_ago <= ANNOUNCED_WITHIN_DAYS
    ]
    old = [
        f"update-{update_pk[(c.slug, p.body)]}" in announced
        for c in COMMUNITIES
        for p in c.updates
        if p.days_ago > ANNOUNCED_WITHIN_DAYS
    ]
    assert any(upcoming) and any(recent)  # told to the members, as on the site
    assert past and not any(past)  # history: nobody is told now
    assert old and not any(old)
    # ... but it went through the services all the same, whose notices are read history.
    for c in COMMUNITIES:
        for m in c.activities:
            if m.days_from_today < 0:
                assert f"activity-{activity_pk[(c.slug, m.title)]}" in history


def test_challenges_reached_their_status_through_the_review_workflow(loaded_demo):
    from apps.audit.models import AuditAction, AuditEvent
    from apps.challenges.models import Challenge
    from apps.matching.models import MatchRun

    published = set(demo_challenges().filter(status__in=OPEN_STATUSES).values_list("pk", flat=True))
    rejected = set(
        demo_challenges().filter(status=ChallengeStatus.REJECTED).values_list("pk", flat=True)
    )
    events = AuditEvent.objects.filter(object_type=Challenge._meta.label)
    # Published (and rejected) by a coordinator, in the audit trail as on the site.
    assert published == {
        int(pk)
        for pk in events.filter(action=AuditAction.CHALLENGE_PUBLISHED).values_list(
            "object_id", flat=True
        )
    }
    assert rejected == {
        int(pk)
        for pk in events.filter(action=AuditAction.CHALLENGE_REJECTED).values_list(
            "object_id", flat=True
        )
    }
    # Publishing started a match run for each, as the signal does.
    assert MatchRun.objects.filter(kind=MatchRun.Kind.CHALLENGE).count() >= len(published)
    # The author heard about the review, as on the site.
    assert NotificationKind.CHALLENGE_PUBLISHED in notice_kinds(SME_OWNER)


def test_organisations_and_challenges_without_demo_people_came_through_the_hubs_import(
    loaded_demo,
):
    """Issue 11: the demo writes no organisation or challenge itself. One that has no demo
    person to make it is registered through the coordinator's spreadsheet import, which
    leaves its audit event (and applies the import's checks)."""
    from apps.audit.models import AuditAction, AuditEvent
    from apps.portal.demo_data.challenges import CHALLENGES
    from apps.portal.demo_data.organisations import ORGANISATIONS
    from apps.portal.demo_data.people import PEOPLE

    administered = {p.organisation for p in PEOPLE if p.organisation and p.is_org_admin}
    imported = AuditEvent.objects.filter(action=AuditAction.ORGANISATIONS_IMPORTED)
    assert sum(event.after["created"] for event in imported) == len(
        [org for org in ORGANISATIONS if org.ref not in administered]
    )
    # The others were made by their administrator, who is its first member.
    for org in demo_organisations().filter(ref__in=administered):
        assert org.memberships.filter(role=Membership.Role.ADMIN).exists()

    imported = AuditEvent.objects.filter(action=AuditAction.CHALLENGES_IMPORTED)
    assert sum(event.after["created"] for event in imported) == len(
        [c for c in CHALLENGES if not c.created_by]
    )
    # Completed by the hub with what the file has no column for.
    listed = {c.ref: c for c in CHALLENGES}
    for challenge in demo_challenges():
        assert challenge.learning_goals == listed[challenge.ref].learning_goals


def test_knowledge_items_were_shared_through_the_service_with_a_file_or_a_link(loaded_demo):
    """Issue 11: as on the site, an item needs a file or a link; the demo's items without a
    link carry their write-up as a Markdown file that passed the upload checks."""
    from apps.portal.demo_data.knowledge import KNOWLEDGE_ITEMS

    items = KnowledgeItem.objects.filter(slug__in=[i.slug for i in KNOWLEDGE_ITEMS])
    assert items.count() == len(KNOWLEDGE_ITEMS)
    for item in items:
        assert item.link or item.file, item.slug
        if item.file:
            assert item.file.name.endswith(".md")
            with item.file.open("rb") as stored:
                assert stored.read().decode().startswith(f"# {item.title}\n")


def test_communities_were_formed_and_joined_through_the_services(loaded_demo):
    """Issue 11: each demo community was formed by a coordinator around its first challenge
    (the audit trail says so), took its further challenges through the service, and every
    other member came in by an accepted invitation or an approved request to join."""
    from apps.audit.models import AuditAction, AuditEvent
    from apps.communities.models import CommunityInvitation
    from apps.portal.demo_data.communities import COMMUNITIES

    formed = AuditEvent.objects.filter(action=AuditAction.COMMUNITY_FORMED)
    communities = LearningCommunity.objects.filter(slug__in=[c.slug for c in COMMUNITIES])
    assert {int(event.object_id) for event in formed} == set(
        communities.values_list("pk", flat=True)
    )
    for community in communities:
        event = formed.get(object_id=str(community.pk))
        listed = next(c for c in COMMUNITIES if c.slug == community.slug)
        assert event.before["challenge"] == community.challenges.get(ref=listed.challenges[0]).pk
        assert set(community.challenges.values_list("ref", flat=True)) == set(listed.challenges)
        invited = set(
            CommunityInvitation.objects.filter(
                community=community, state=CommunityInvitation.State.ACCEPTED
            ).values_list("user_id", flat=True)
        )
        approved = set(
            JoinRequest.objects.filter(
                community=community, state=JoinRequest.State.APPROVED
            ).values_list("user_id", flat=True)
        )
        for membership in community.memberships.exclude(user_id=event.actor_id):
            assert membership.user_id in invited | approved, (community.slug, membership.user)


def test_people_joined_their_organisation_by_asking_and_being_approved(loaded_demo):
    """Issue 11: a demo person who did not make their organisation joined it as on the site
    (asked, approved by its administrator or the region's coordinator); the notices of it
    are history, read long ago."""
    from apps.portal.demo_data.people import PEOPLE

    creators = {p.organisation: p.email for p in PEOPLE if p.organisation and p.is_org_admin}
    joined = [p for p in PEOPLE if p.organisation and creators.get(p.organisation) != p.email]
    assert joined
    for person in joined:
        decision = Notification.objects.get(
            recipient__email=person.email,
            kind=NotificationKind.ORGANISATION_JOIN_DECISION,
            dedupe_key__startswith="membership-",
        )
        assert decision.read_at is not None
        assert decision.created_at < NOW - timedelta(days=100)
