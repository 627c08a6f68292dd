import factory

from apps.challenges.models import Challenge, ChallengeStatus, Visibility
from apps.taxonomy.models import Province


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge
        skip_postgeneration_save = True

    class Params:
        province_code = "NL-ZH"

    organisation = factory.SubFactory("tests.organisations.factories.OrganisationFactory")
    title = factory.Sequence(lambda n: f"Uitdaging {n}: voorspel de vraag naar onze producten")
    description = "We willen beter voorspellen hoeveel we moeten produceren."
    province = factory.LazyAttribute(lambda o: Province.objects.get(code=o.province_code))
    status = ChallengeStatus.PUBLISHED
    visibility = Visibility.PUBLIC

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create:
            from apps.taxonomy.models import AITopic

            obj.topics.set(AITopic.objects.filter(slug__in=extracted or ["predictive-analytics"]))


class ChallengeInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "challenges.ChallengeInterest"

    challenge = factory.SubFactory(ChallengeFactory)
    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    message = "Mijn studenten willen hier graag aan werken."
