from django.urls import reverse
from django.utils import translation


def english(view_name: str, *args) -> str:
    """The English URL of a page (whatever language an earlier request left active)."""
    with translation.override("en"):
        return reverse(view_name, args=args)


def english_page(community) -> str:
    return english("communities:detail", community.slug)
