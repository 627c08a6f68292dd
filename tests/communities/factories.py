import datetime

import factory
from django.utils import timezone

from apps.communities.models import (
    Activity,
    CommunityMembership,
    JoinRequest,
    LearningCommunity,
    LearningRecord,
    Update,
)
from apps.hubs.models import Hub


class LearningCommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningCommunity

    name = factory.Sequence(lambda n: f"Leergemeenschap {n}")
    slug = factory.Sequence(lambda n: f"leergemeenschap-{n}")
    goal = "Samen leren hoe AI de planning verbetert."
    hub = factory.LazyFunction(lambda: Hub.objects.get(slug="zuid-holland"))


class CommunityMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityMembership

    community = factory.SubFactory(LearningCommunityFactory)
    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    role = CommunityMembership.Role.LECTURER


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    community = factory.SubFactory(LearningCommunityFactory)
    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    role = CommunityMembership.Role.LECTURER
    message = "Mijn studenten willen graag meedoen."


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    community = factory.SubFactory(LearningCommunityFactory)
    kind = Activity.Kind.WORKSHOP
    title = factory.Sequence(lambda n: f"Werksessie {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    location = "Hogeschool Lekstroom, lokaal B2.14"


class UpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Update

    community = factory.SubFactory(LearningCommunityFactory)
    author = factory.SubFactory("tests.accounts.factories.UserFactory")
    body = factory.Sequence(lambda n: f"Nieuws uit de gemeenschap, deel {n}.")


class LearningRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningRecord

    community = factory.SubFactory(LearningCommunityFactory)
    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    text = "Ik lees nu zelf een voorspelling en stuur de planning bij."
