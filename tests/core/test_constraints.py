"""The database itself refuses bad data, whatever code path writes it."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.challenges.models import Challenge, ChallengeStatus
from apps.matching.models import Match
from apps.organisations.models import Membership, Organisation
from apps.taxonomy.models import AITopic
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import LearningCommunityFactory
from tests.matching.factories import MatchFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_capacity_cannot_be_negative():
    organisation = OrganisationFactory()
    refused(lambda: Organisation.objects.filter(pk=organisation.pk).update(capacity=-1))


def test_organisation_ref_and_slug_are_unique():
    OrganisationFactory(ref="zh-001", slug="bakkerij")
    refused(lambda: OrganisationFactory(ref="zh-001"))
    refused(lambda: OrganisationFactory(slug="bakkerij"))


def test_organisations_without_ref_may_coexist_but_empty_ref_is_refused():
    OrganisationFactory(ref=None)
    OrganisationFactory(ref=None)
    refused(lambda: OrganisationFactory(ref=""))


def test_organisation_cannot_be_its_own_parent():
    organisation = OrganisationFactory()
    refused(lambda: Organisation.objects.filter(pk=organisation.pk).update(parent=organisation))


def test_challenge_ref_is_unique():
    ChallengeFactory(ref="ch-1")
    refused(lambda: ChallengeFactory(ref="ch-1"))


def test_challenge_status_outside_the_workflow_is_refused():
    challenge = ChallengeFactory()
    refused(lambda: Challenge.objects.filter(pk=challenge.pk).update(status="archived"))


def test_rejected_challenge_needs_a_reason():
    challenge = ChallengeFactory(status=ChallengeStatus.SUBMITTED)
    refused(
        lambda: Challenge.objects.filter(pk=challenge.pk).update(
            status=ChallengeStatus.REJECTED, rejection_reason=""
        )
    )


@pytest.mark.parametrize("score", [-0.01, 1.01])
def test_match_score_must_be_between_zero_and_one(score):
    refused(lambda: MatchFactory(score=score))


def test_match_score_bounds_are_allowed():
    assert MatchFactory(score=0).score == 0
    assert MatchFactory(score=1).score == 1


def test_one_match_per_challenge_and_organisation():
    match = MatchFactory()
    refused(lambda: MatchFactory(challenge=match.challenge, organisation=match.organisation))


def test_match_is_with_an_organisation_or_a_person_not_both_or_neither():
    challenge = ChallengeFactory()
    person = UserFactory()
    organisation = OrganisationFactory(kind_slug="hbo")

    def create(**kwargs):
        Match.objects.create(
            challenge=challenge,
            score=0.5,
            algorithm_version="t",
            computed_at=timezone.now(),
            **kwargs,
        )

    refused(lambda: create(organisation=organisation, person=person))
    refused(lambda: create())
    create(person=person)
    refused(lambda: create(person=person))


def test_one_membership_per_person_and_organisation():
    membership = MembershipFactory()
    refused(
        lambda: Membership.objects.create(
            user=membership.user, organisation=membership.organisation
        )
    )


def test_email_is_unique_case_insensitively():
    UserFactory(email="jan@example.nl")
    refused(lambda: UserFactory(email="JAN@example.nl", verified=False))


def test_topic_slug_is_unique():
    refused(lambda: AITopic.objects.create(slug="nlp", name_nl="x", name_en="x"))


def test_one_pending_join_request_per_person_and_community():
    from apps.communities.models import JoinRequest

    community = LearningCommunityFactory()
    user = UserFactory()
    JoinRequest.objects.create(community=community, user=user, role="lecturer")
    refused(lambda: JoinRequest.objects.create(community=community, user=user, role="student"))
    JoinRequest.objects.filter(user=user).update(state="declined")
    JoinRequest.objects.create(community=community, user=user, role="student")


def test_activity_cannot_end_before_it_starts():
    from datetime import timedelta

    from apps.communities.models import Activity

    community = LearningCommunityFactory()
    start = timezone.now()
    refused(
        lambda: Activity.objects.create(
            community=community,
            title="Kick-off",
            starts_at=start,
            ends_at=start - timedelta(hours=1),
        )
    )
