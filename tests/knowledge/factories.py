import factory

from apps.knowledge.models import KnowledgeItem


class KnowledgeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeItem

    title = factory.Sequence(lambda n: f"Kennisitem {n}")
    slug = factory.Sequence(lambda n: f"kennisitem-{n}")
    kind = KnowledgeItem.Kind.CASE
    summary = "Wat we leerden van een voorspelmodel in de bakkerij."
