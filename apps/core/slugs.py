from django.db import models
from django.utils.text import slugify


def unique_slug(model: type[models.Model], text: str, *, exclude_pk: int | None = None) -> str:
    """A slug for `text` not yet used by `model` (suffix -2, -3, ... on collision)."""
    field = model._meta.get_field("slug")
    base = (slugify(text) or "item")[: field.max_length - 6]
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"
