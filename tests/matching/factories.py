import factory
from django.utils import timezone

from apps.matching.models import Match


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    challenge = factory.SubFactory("tests.challenges.factories.ChallengeFactory")
    organisation = factory.SubFactory(
        "tests.organisations.factories.OrganisationFactory", kind_slug="hbo"
    )
    score = 0.5
    reasons = factory.LazyFunction(
        lambda: [{"code": "shared_topics", "params": {"topics": ["predictive-analytics"]}}]
    )
    algorithm_version = "test"
    computed_at = factory.LazyFunction(timezone.now)


class IntroductionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "matching.IntroductionRequest"

    match = factory.SubFactory(MatchFactory)
    requested_by = factory.SubFactory("tests.accounts.factories.UserFactory")
    message = "Wij maken graag kennis."
