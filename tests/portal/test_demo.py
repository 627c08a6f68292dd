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
    Challenge,
    ChallengeInterest,
    ChallengeStatus,
)
from apps.communities.models import (
    Activity,
    CommunityMembership,
    JoinRequest,
    LearningCommunity,
    LearningRecord,
    Update,
)
from apps.hubs.models import Hub, HubCoordinator
from apps.knowledge.models import KnowledgeItem
from apps.matching.models import IntroductionRequest, Match, MatchStatus
from apps.matching.services import introduction_request_decide
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.notifications.services import notification_email_send
from apps.organisations.models import Membership, Organisation
from apps.organisations.services import membership_decide
from apps.portal.demo import (
    DEMO_LOGINS,
    HUB_COORDINATOR,
    LAB_STAFF,
    SME_OWNER,
    demo_load,
)

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


@pytest.mark.parametrize("email", DEMO_LOGINS)
def test_every_demo_login_can_sign_in_with_the_password(client, email):
    load_demo("--password", PASSWORD)

    assert EmailAddress.objects.filter(email=email, verified=True, primary=True).exists()
    assert client.login(email=email, password=PASSWORD)


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


def test_an_introduction_to_a_pair_the_demo_does_not_match_is_left_out(monkeypatch):
    from apps.portal.demo import matches as demo_matches
    from apps.portal.demo_data.matches import INTRODUCTIONS, Introduction

    unmatched = Introduction("demo-ch-011", "demo-org-027", SME_OWNER, 2, "Hallo.")
    monkeypatch.setattr(demo_matches, "INTRODUCTIONS", [*INTRODUCTIONS, unmatched])

    summary = demo_load(password=PASSWORD, now=NOW)

    assert summary.introductions == 1
    assert not IntroductionRequest.objects.filter(match__challenge__ref="demo-ch-011").exists()


def test_the_introduction_outlives_the_matcher_run_of_the_command():
    load_demo()

    introduction = IntroductionRequest.objects.select_related("match").get()
    assert introduction.match.status == MatchStatus.SHORTLISTED

    load_demo("--refresh")

    assert IntroductionRequest.objects.get().pk == introduction.pk


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
