"""Learning records are contributions: a deleted account leaves them without the person."""

import pytest

from apps.communities import privacy
from apps.communities.models import LearningRecord
from tests.communities.factories import LearningRecordFactory

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_persons_learning_records_only():
    mine = LearningRecordFactory(text="Ik leerde data labelen.")
    LearningRecordFactory(text="Iemand anders leerde iets.")
    records = privacy.personal_data(mine.user)["learning_records"]
    assert [record["text"] for record in records] == ["Ik leerde data labelen."]
    assert records[0]["community_slug"] == mine.community.slug


def test_anonymising_keeps_the_learning_record_without_the_person():
    record = LearningRecordFactory()
    privacy.anonymise(record.user)
    record.refresh_from_db()
    assert record.user is None
    assert LearningRecord.objects.filter(pk=record.pk).exists()


def test_the_download_holds_the_persons_invitations_and_deletion_removes_them():
    from apps.communities.models import CommunityInvitation
    from tests.communities.factories import LearningCommunityFactory
    from tests.organisations.factories import MembershipFactory

    membership = MembershipFactory()
    community = LearningCommunityFactory()
    CommunityInvitation.objects.create(
        community=community,
        user=membership.user,
        organisation=membership.organisation,
        role="lecturer",
    )
    invitations = privacy.personal_data(membership.user)["invitations"]
    assert [(i["community_slug"], i["state"]) for i in invitations] == [(community.slug, "pending")]
    privacy.anonymise(membership.user)
    assert not CommunityInvitation.objects.filter(user=membership.user).exists()
