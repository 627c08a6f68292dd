import factory

from apps.communities.models import CommunityMembership, LearningCommunity
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
