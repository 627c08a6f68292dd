import json

import pytest
from django.utils import timezone

from apps.notifications import privacy
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Frequency, Notification, NotificationPreference
from tests.notifications.factories import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db


def test_personal_data_lists_the_persons_notifications_and_preferences(member, outsider):
    NotificationFactory(recipient=member, title="Mine", read_at=timezone.now())
    NotificationFactory(recipient=outsider, title="Theirs")
    NotificationPreferenceFactory(
        user=member, kind=NotificationKind.NEW_MATCHES, frequency=Frequency.OFF
    )

    data = json.loads(json.dumps(privacy.personal_data(member)))

    assert [item["title"] for item in data["notifications"]] == ["Mine"]
    assert data["notifications"][0]["read_at"] is not None
    assert data["notification_preferences"] == {"new-matches": "off"}


def test_anonymise_deletes_the_persons_notifications_and_preferences_only(member, outsider):
    NotificationFactory.create_batch(2, recipient=member)
    NotificationPreferenceFactory(user=member)
    theirs = NotificationFactory(recipient=outsider)
    their_choice = NotificationPreferenceFactory(user=outsider)

    privacy.anonymise(member)

    assert list(Notification.objects.all()) == [theirs]
    assert list(NotificationPreference.objects.all()) == [their_choice]
