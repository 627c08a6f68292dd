import factory
from django.utils import timezone

from apps.organisations.models import Membership, Organisation
from apps.taxonomy.models import OrganisationKind, Province


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    class Params:
        kind_slug = "sme"
        province_code = "NL-ZH"

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    slug = factory.Sequence(lambda n: f"organisatie-{n}")
    kind = factory.LazyAttribute(lambda o: OrganisationKind.objects.get(slug=o.kind_slug))
    province = factory.LazyAttribute(lambda o: Province.objects.get(code=o.province_code))
    capacity = 2
    # Most tests are about organisations already on the platform; those about a new one
    # waiting for the hub pass verified_at=None.
    verified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            from apps.taxonomy.models import AITopic

            obj.topics.set(AITopic.objects.filter(slug__in=extracted))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory("tests.accounts.factories.UserFactory")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER
    state = Membership.State.ACTIVE
