import factory

from apps.challenges.models import Visibility
from apps.knowledge.models import KnowledgeItem


class KnowledgeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeItem
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Kennisitem {n}")
    slug = factory.Sequence(lambda n: f"kennisitem-{n}")
    kind = KnowledgeItem.Kind.CASE
    summary = "Wat we leerden van een voorspelmodel in de bakkerij."
    visibility = Visibility.PUBLIC

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create and extracted:
            from apps.taxonomy.models import AITopic

            obj.topics.set(AITopic.objects.filter(slug__in=extracted))

    @factory.post_generation
    def sectors(obj, create, extracted, **kwargs):
        if create and extracted:
            from apps.taxonomy.models import Sector

            obj.sectors.set(Sector.objects.filter(slug__in=extracted))
