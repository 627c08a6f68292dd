"""Forming a learning community from a challenge's accepted matches: the service (what it
creates, who it invites and tells, the audit row, a double submit) and the admin page that
calls it (prefilled form, scoped to the coordinator's region)."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from apps.audit.models import AuditAction, AuditEvent
from apps.challenges.models import ChallengeStatus, Visibility
from apps.communities.models import (
    CommunityInvitation,
    CommunityMembership,
    CommunityStatus,
    LearningCommunity,
)
from apps.communities.services import community_form_from_matches
from apps.hubs.services import hub_coordinator_add
from apps.matching.models import MatchStatus
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.organisations.models import Membership
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import LearningCommunityFactory
from tests.hubs.factories import hub
from tests.matching.factories import MatchFactory
from tests.mfa_helpers import login_with_second_factor
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

Role = CommunityMembership.Role
FORM_VIEW = "admin:communities_learningcommunity_form_from_challenge"
CANDIDATES_VIEW = "admin:communities_learningcommunity_form_candidates"


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def real_coordinator(hub_slug: str = "zuid-holland"):
    user = UserFactory()
    hub_coordinator_add(hub=hub(hub_slug), user=user)
    return user


@pytest.fixture
def zh_coordinator():
    return real_coordinator("zuid-holland")


@pytest.fixture
def nn_coordinator():
    return real_coordinator("noord-nederland")


@pytest.fixture
def challenge(sme, member):
    return ChallengeFactory(
        organisation=sme,
        status=ChallengeStatus.PUBLISHED,
        published_at=timezone.now(),
        title="Minder brood weggooien",
        description="We bakken elke dag te veel en willen de vraag beter voorspellen.",
        learning_goals="De bakkers leren een voorspelling lezen.",
    )


@pytest.fixture
def partners(challenge):
    """Two accepted organisations (a hogeschool with an administrator and a plain member, an
    innovation lab with only a plain member), an accepted lecturer, and a partner that was
    only suggested."""
    hbo = OrganisationFactory(name="Hogeschool Lekstroom", kind_slug="hbo")
    hbo_admin = MembershipFactory(organisation=hbo, role=Membership.Role.ADMIN).user
    hbo_member = MembershipFactory(organisation=hbo).user
    lab = OrganisationFactory(name="Datalab Delft", kind_slug="innovation-lab")
    lab_member = MembershipFactory(organisation=lab).user
    suggested = OrganisationFactory(name="Alleen Gesuggereerd", kind_slug="wo")
    suggested_admin = MembershipFactory(organisation=suggested, role=Membership.Role.ADMIN).user
    lecturer_school = OrganisationFactory(name="Mbo Rijnmond", kind_slug="mbo")
    lecturer = MembershipFactory(organisation=lecturer_school).user
    MatchFactory(challenge=challenge, organisation=hbo, status=MatchStatus.ACCEPTED, rank=1)
    MatchFactory(challenge=challenge, organisation=lab, status=MatchStatus.ACCEPTED, rank=2)
    MatchFactory(challenge=challenge, organisation=suggested, rank=3)
    MatchFactory(
        challenge=challenge,
        organisation=None,
        person=lecturer,
        status=MatchStatus.ACCEPTED,
        rank=4,
    )
    return {
        "hbo": hbo,
        "hbo_admin": hbo_admin,
        "hbo_member": hbo_member,
        "lab": lab,
        "lab_member": lab_member,
        "suggested": suggested,
        "suggested_admin": suggested_admin,
        "lecturer_school": lecturer_school,
        "lecturer": lecturer,
    }


def form(challenge, by, **overrides):
    arguments = {
        "challenge": challenge,
        "by": by,
        "name": "Slimmer bakken",
        "goal": "Samen de vraag naar brood voorspellen.",
        "learning_objectives": "Bakkers lezen een voorspelling.",
        "is_public": True,
    }
    return community_form_from_matches(**{**arguments, **overrides})


# --- The service -------------------------------------------------------------------------------


def test_forming_creates_the_community_in_the_challenges_hub(
    challenge, partners, sme, zh_coordinator
):
    community, created = form(challenge, zh_coordinator)

    assert created is True
    assert community.hub == hub("zuid-holland")
    assert community.status == CommunityStatus.FORMING
    assert community.slug == "slimmer-bakken"
    assert community.is_public is True
    assert list(community.challenges.all()) == [challenge]
    assert set(community.organisations.all()) == {sme, partners["hbo"], partners["lab"]}
    assert CommunityMembership.objects.get(community=community, user=zh_coordinator).role == (
        Role.COORDINATOR
    )


def test_forming_moves_the_challenge_into_the_community_through_the_workflow(
    challenge, partners, zh_coordinator
):
    form(challenge, zh_coordinator)

    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.IN_COMMUNITY


def test_invitations_go_to_the_challenge_organisation_and_the_contacts_of_accepted_partners(
    challenge, partners, sme, member, zh_coordinator
):
    community, _created = form(challenge, zh_coordinator)

    invited = {
        (invitation.user, invitation.organisation, invitation.role, invitation.state)
        for invitation in CommunityInvitation.objects.filter(community=community)
    }
    pending = CommunityInvitation.State.PENDING
    assert invited == {
        (member, sme, Role.COMPANY_PARTICIPANT, pending),
        # The hogeschool's administrator speaks for it; its other member is not invited.
        (partners["hbo_admin"], partners["hbo"], Role.LECTURER, pending),
        # Without an administrator, the lab's active members are its contacts.
        (partners["lab_member"], partners["lab"], Role.RESEARCHER, pending),
        (partners["lecturer"], partners["lecturer_school"], Role.LECTURER, pending),
    }
    assert set(CommunityInvitation.objects.values_list("invited_by", flat=True)) == {
        zh_coordinator.pk
    }


def test_everyone_invited_is_notified_with_a_link_to_their_invitation(
    challenge, partners, member, zh_coordinator
):
    community, _created = form(challenge, zh_coordinator)

    notices = Notification.objects.filter(kind=NotificationKind.COMMUNITY_INVITATION)
    invitations = CommunityInvitation.objects.filter(community=community)
    assert {(n.recipient_id, n.url) for n in notices} == {
        (invitation.user_id, reverse("communities:invitation", kwargs={"pk": invitation.pk}))
        for invitation in invitations
    }
    # The challenge's own organisation hears that its challenge got a community.
    own_notice = notices.get(recipient=member)
    assert challenge.title in own_notice.title
    assert not Notification.objects.filter(recipient=partners["hbo_member"]).exists()
    assert not Notification.objects.filter(recipient=partners["suggested_admin"]).exists()


def test_forming_writes_an_audit_row(challenge, partners, sme, zh_coordinator):
    community, _created = form(challenge, zh_coordinator)

    event = AuditEvent.objects.get(action=AuditAction.COMMUNITY_FORMED)
    assert event.actor == zh_coordinator
    assert event.object_id == str(community.pk)
    assert event.province_id == challenge.province_id
    assert event.before["challenge"] == challenge.pk
    assert event.after["community"] == community.pk
    assert set(event.after["organisations"]) == {sme.pk, partners["hbo"].pk, partners["lab"].pk}
    assert event.after["invitations"] == 4


def test_forming_twice_returns_the_first_community(challenge, partners, zh_coordinator):
    first, first_created = form(challenge, zh_coordinator)
    second, second_created = form(challenge, zh_coordinator, name="Nog een keer")

    assert (first_created, second_created) == (True, False)
    assert second == first
    assert LearningCommunity.objects.count() == 1
    assert CommunityInvitation.objects.count() == 4
    assert Notification.objects.filter(kind=NotificationKind.COMMUNITY_INVITATION).count() == 4
    assert AuditEvent.objects.filter(action=AuditAction.COMMUNITY_FORMED).count() == 1


def test_without_accepted_matches_nothing_is_formed(challenge, zh_coordinator):
    MatchFactory(challenge=challenge, status=MatchStatus.SHORTLISTED)

    with pytest.raises(ValidationError) as refused:
        form(challenge, zh_coordinator)

    assert refused.value.code == "no_accepted_matches"
    assert not LearningCommunity.objects.exists()
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED


def test_a_challenge_that_is_not_published_gets_no_community(sme, zh_coordinator):
    submitted = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    MatchFactory(challenge=submitted, status=MatchStatus.ACCEPTED)

    with pytest.raises(ValidationError) as refused:
        form(submitted, zh_coordinator)

    assert refused.value.code == "not_published"
    assert not LearningCommunity.objects.exists()


def test_a_coordinator_of_another_region_cannot_form_it(challenge, partners, nn_coordinator):
    with pytest.raises(PermissionDenied):
        form(challenge, nn_coordinator)
    assert not LearningCommunity.objects.exists()


def test_the_slug_stays_unique(challenge, partners, zh_coordinator):
    LearningCommunityFactory(name="Slimmer bakken", slug="slimmer-bakken")

    community, _created = form(challenge, zh_coordinator)

    assert community.slug == "slimmer-bakken-2"


# --- The admin page ----------------------------------------------------------------------------


def form_url(challenge_id: int) -> str:
    return reverse(FORM_VIEW, args=[challenge_id])


def posted(**overrides):
    return {
        "name": "Slimmer bakken",
        "goal": "Samen de vraag naar brood voorspellen.",
        "learning_objectives": "",
        "is_public": "no",
        **overrides,
    }


def test_the_form_is_prefilled_from_the_challenge_and_lists_who_is_invited(
    client, challenge, partners, zh_coordinator
):
    login_with_second_factor(client, zh_coordinator)

    response = client.get(form_url(challenge.pk))

    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["name"] == challenge.title
    assert initial["goal"] == challenge.description
    assert initial["learning_objectives"] == challenge.learning_goals
    assert "is_public" not in initial
    page = response.content.decode()
    assert partners["hbo"].name in page
    assert partners["hbo_admin"].full_name in page
    assert partners["hbo_member"].full_name not in page
    assert {invitee.user for invitee in response.context["invitees"]} == {
        challenge.organisation.memberships.get().user,
        partners["hbo_admin"],
        partners["lab_member"],
        partners["lecturer"],
    }


def test_the_coordinator_chooses_who_sees_the_community_knowing_who_sees_the_challenge(
    client, challenge, partners, zh_coordinator
):
    """Issue 12: forming pre-selected members-only without saying so. Nothing is chosen in
    advance; the page says who can read the challenge and that invitees always see the
    community; leaving the choice open is refused with a message."""
    challenge.visibility = Visibility.HUB
    challenge.save()
    login_with_second_factor(client, zh_coordinator)

    response = client.get(form_url(challenge.pk))

    page = response.content.decode()
    assert 'name="is_public"' in page
    assert not [
        tag for tag in page.split("<input")[1:] if 'name="is_public"' in tag and "checked" in tag
    ]
    assert str(Visibility.HUB.label) in response.context["form"]["is_public"].help_text
    refused = client.post(form_url(challenge.pk), posted(is_public=""))
    assert refused.status_code == 200
    assert refused.context["form"].has_error("is_public")
    assert not LearningCommunity.objects.exists()


def test_posting_forms_the_community_and_opens_it_in_the_admin(
    client, challenge, partners, zh_coordinator
):
    login_with_second_factor(client, zh_coordinator)

    response = client.post(form_url(challenge.pk), posted())

    community = LearningCommunity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:communities_learningcommunity_change", args=[community.pk]
    )
    assert community.name == "Slimmer bakken"
    assert community.is_public is False
    assert CommunityInvitation.objects.filter(community=community).count() == 4
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]


def test_a_double_submit_forms_one_community(client, challenge, partners, zh_coordinator):
    login_with_second_factor(client, zh_coordinator)

    first = client.post(form_url(challenge.pk), posted())
    second = client.post(form_url(challenge.pk), posted())

    assert LearningCommunity.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert CommunityInvitation.objects.count() == 4


def test_opening_the_form_again_goes_to_the_existing_community(
    client, challenge, partners, zh_coordinator
):
    community, _created = form(challenge, zh_coordinator)
    login_with_second_factor(client, zh_coordinator)

    response = client.get(form_url(challenge.pk))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:communities_learningcommunity_change", args=[community.pk]
    )


def test_the_page_explains_when_there_are_no_accepted_matches(client, challenge, zh_coordinator):
    MatchFactory(challenge=challenge)
    login_with_second_factor(client, zh_coordinator)

    page = client.get(form_url(challenge.pk))
    posting = client.post(form_url(challenge.pk), posted())

    assert page.status_code == 200
    assert page.context["problem"]
    assert posting.status_code == 200
    assert posting.context["form"].non_field_errors()
    assert not LearningCommunity.objects.exists()


def test_a_name_is_required(client, challenge, partners, zh_coordinator):
    login_with_second_factor(client, zh_coordinator)

    response = client.post(form_url(challenge.pk), posted(name="   "))

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert 'aria-describedby="id_name_helptext id_name_error"' in response.content.decode()
    assert not LearningCommunity.objects.exists()


def test_a_coordinator_of_another_hub_gets_404_also_when_posting(
    client, challenge, partners, nn_coordinator
):
    login_with_second_factor(client, nn_coordinator)

    assert client.get(form_url(challenge.pk)).status_code == 404
    assert client.post(form_url(challenge.pk), posted()).status_code == 404
    assert not LearningCommunity.objects.exists()


def test_a_guessed_id_is_not_found(client, zh_coordinator):
    login_with_second_factor(client, zh_coordinator)

    assert client.get(form_url(999_999)).status_code == 404


def test_staff_who_coordinate_no_hub_get_404(client, challenge, partners):
    staff = UserFactory(is_staff=True)
    login_with_second_factor(client, staff)

    assert client.get(form_url(challenge.pk)).status_code == 404


def test_anonymous_and_members_are_sent_to_log_in(client, challenge, partners, member):
    anonymous = client.get(form_url(challenge.pk))
    client.force_login(member)
    signed_in = client.get(form_url(challenge.pk))

    for response in (anonymous, signed_in):
        assert response.status_code == 302
        assert "login" in response["Location"]
    assert not LearningCommunity.objects.exists()


def test_a_programme_coordinator_may_form_it(client, challenge, partners, programme_coordinator):
    login_with_second_factor(client, programme_coordinator)

    client.post(form_url(challenge.pk), posted())

    assert LearningCommunity.objects.get().hub == hub("zuid-holland")


# --- Which challenges are ready ----------------------------------------------------------------


def ready_challenge(**kwargs):
    challenge = ChallengeFactory(published_at=timezone.now(), **kwargs)
    MatchFactory(challenge=challenge, status=MatchStatus.ACCEPTED)
    return challenge


def test_the_list_of_ready_challenges_is_scoped_to_the_region(client, sme, zh_coordinator):
    ready = ready_challenge(organisation=sme)
    ChallengeFactory(organisation=sme)  # no accepted match
    ready_challenge(province_code="NL-GR")  # another hub's region
    login_with_second_factor(client, zh_coordinator)

    response = client.get(reverse(CANDIDATES_VIEW))

    assert response.status_code == 200
    assert response.context["challenges"] == [ready]
    assert form_url(ready.pk) in response.content.decode()


def test_the_list_of_ready_challenges_has_a_fixed_query_count(
    client, zh_coordinator, django_assert_max_num_queries
):
    login_with_second_factor(client, zh_coordinator)
    url = reverse(CANDIDATES_VIEW)
    for _ in range(2):
        ready_challenge()
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(15):
        ready_challenge()
    with django_assert_max_num_queries(20) as many:
        response = client.get(url)

    assert len(response.context["challenges"]) == 17
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_communities_list_links_to_forming(client, zh_coordinator):
    login_with_second_factor(client, zh_coordinator)

    response = client.get(reverse("admin:communities_learningcommunity_changelist"))

    assert reverse(CANDIDATES_VIEW) in response.content.decode()


# --- Invitations in the admin ------------------------------------------------------------------


def test_invitations_in_the_admin_are_read_only_and_scoped_to_the_hub(
    client, challenge, partners, zh_coordinator, nn_coordinator
):
    community, _created = form(challenge, zh_coordinator)
    invitation = CommunityInvitation.objects.filter(community=community).first()
    change_url = reverse("admin:communities_communityinvitation_change", args=[invitation.pk])
    list_url = reverse("admin:communities_communityinvitation_changelist")

    login_with_second_factor(client, zh_coordinator)
    own_list = client.get(list_url)
    own_page = client.get(change_url)
    login_with_second_factor(client, nn_coordinator)
    other_list = client.get(list_url)
    other_page = client.get(change_url)

    assert own_list.status_code == 200
    assert own_list.context["cl"].result_count == 4
    assert own_page.status_code == 200
    assert own_page.context["has_change_permission"] is False
    assert other_list.context["cl"].result_count == 0
    # Django's admin answers an object outside the queryset with "does not exist".
    assert other_page.status_code == 302
    assert other_page["Location"] == reverse("admin:index")


def invite_many(community, count):
    organisation = OrganisationFactory(kind_slug="hbo")
    CommunityInvitation.objects.bulk_create(
        CommunityInvitation(
            community=community, user=user, organisation=organisation, role=Role.LECTURER
        )
        for user in UserFactory.create_batch(count)
    )


def test_the_invitations_list_has_a_fixed_query_count_and_filters_by_community(
    client, zh_coordinator, django_assert_max_num_queries
):
    community = LearningCommunityFactory()
    other = LearningCommunityFactory()
    invite_many(other, 1)
    changelist = reverse("admin:communities_communityinvitation_changelist")
    filtered = f"{changelist}?community__id__exact={community.pk}"
    login_with_second_factor(client, zh_coordinator)
    invite_many(community, 2)
    client.get(changelist)  # warm per-process caches
    with django_assert_max_num_queries(30) as few:
        client.get(changelist)
    invite_many(community, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(changelist)
    community_page = client.get(
        reverse("admin:communities_learningcommunity_change", args=[community.pk])
    )

    assert response.context["cl"].result_count == 23
    assert client.get(filtered).context["cl"].result_count == 22
    assert filtered.replace("&", "&amp;") in community_page.content.decode()


# --- A further challenge for a community (community_challenge_add) --------------------------


@pytest.fixture
def second_challenge():
    """A tuinderij's published challenge in the same region, with one accepted partner."""
    tuinderij = OrganisationFactory(name="Tuinderij De Kas", kind_slug="sme", province_code="NL-ZH")
    grower = MembershipFactory(organisation=tuinderij, role=Membership.Role.ADMIN).user
    challenge = ChallengeFactory(
        organisation=tuinderij,
        status=ChallengeStatus.PUBLISHED,
        published_at=timezone.now(),
        title="Oogst beter voorspellen",
    )
    lab = OrganisationFactory(name="Kaslab Westland", kind_slug="innovation-lab")
    lab_admin = MembershipFactory(organisation=lab, role=Membership.Role.ADMIN).user
    MatchFactory(challenge=challenge, organisation=lab, status=MatchStatus.ACCEPTED, rank=1)
    return {"challenge": challenge, "grower": grower, "lab": lab, "lab_admin": lab_admin}


def test_a_further_challenge_joins_the_community_with_its_partners_and_their_people(
    challenge, partners, second_challenge, zh_coordinator
):
    from apps.communities.services import community_challenge_add

    community, _ = form(challenge, zh_coordinator)
    further = second_challenge["challenge"]

    assert community_challenge_add(community=community, challenge=further, by=zh_coordinator)

    further.refresh_from_db()
    assert further.status == ChallengeStatus.IN_COMMUNITY
    assert set(community.challenges.all()) == {challenge, further}
    assert {further.organisation, second_challenge["lab"]} <= set(community.organisations.all())
    invited = set(
        CommunityInvitation.objects.filter(community=community).values_list("user", flat=True)
    )
    assert {second_challenge["grower"].pk, second_challenge["lab_admin"].pk} <= invited
    assert Notification.objects.filter(
        recipient=second_challenge["grower"], kind=NotificationKind.COMMUNITY_INVITATION
    ).exists()
    # A double submit adds nothing and invites nobody twice.
    count = CommunityInvitation.objects.filter(community=community).count()
    assert not community_challenge_add(community=community, challenge=further, by=zh_coordinator)
    assert CommunityInvitation.objects.filter(community=community).count() == count


def test_a_further_challenge_is_refused_when_unpublished_elsewhere_or_the_work_is_done(
    challenge, partners, second_challenge, zh_coordinator, nn_coordinator
):
    from apps.communities.services import community_challenge_add, community_change_status

    community, _ = form(challenge, zh_coordinator)
    further = second_challenge["challenge"]

    with pytest.raises(PermissionDenied):
        community_challenge_add(community=community, challenge=further, by=nn_coordinator)
    draft = ChallengeFactory(organisation=further.organisation, status=ChallengeStatus.DRAFT)
    with pytest.raises(ValidationError) as refused:
        community_challenge_add(community=community, challenge=draft, by=zh_coordinator)
    assert refused.value.code == "not_published"
    community_change_status(community=community, to_status=CommunityStatus.ACTIVE)
    community_change_status(community=community, to_status=CommunityStatus.COMPLETED)
    with pytest.raises(ValidationError) as refused:
        community_challenge_add(community=community, challenge=further, by=zh_coordinator)
    assert refused.value.code == "completed"
    further.refresh_from_db()
    assert further.status == ChallengeStatus.PUBLISHED
    assert list(community.challenges.all()) == [challenge]
