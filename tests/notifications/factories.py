import factory

from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Frequency, Notification, NotificationPreference


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory("tests.accounts.factories.UserFactory")
    kind = NotificationKind.CHALLENGE_PUBLISHED
    title = factory.Sequence(lambda n: f"Melding {n}")
    body = "Er is iets gebeurd."
    url = "/challenges/"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    kind = NotificationKind.CHALLENGE_PUBLISHED
    frequency = Frequency.WEEKLY
