"""Writes for the knowledge base. Community results, the admin and imports create knowledge
items through `knowledge_item_create`, so every item gets a unique slug, a checked file and
the same double-submit protection."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.slugs import unique_slug

from .models import KnowledgeItem
from .validators import sanitise_upload_name, validate_knowledge_upload

SLUG_ATTEMPTS = 5


def file_or_link_missing(*, file, link: str | None) -> ValidationError | None:
    """The refusal when an item has neither a file nor a link (every way in asks it: the
    community's form, the admin, this service)."""
    if file or (link or "").strip():
        return None
    return ValidationError(_("Add a file or a link (or both)."), code="file_or_link_required")


@transaction.atomic
def knowledge_item_create(
    *,
    title: str,
    kind: str,
    summary: str,
    author: User | None,
    source_community=None,
    body: str = "",
    file=None,
    link: str = "",
    licence: str = KnowledgeItem.Licence.CC_BY,
    visibility: str = "public",
    topics: Iterable = (),
    sectors: Iterable = (),
) -> tuple[KnowledgeItem, bool]:
    """Store a knowledge item; returns `(item, created)`.

    The same title by the same author from the same community is taken as a double submit:
    the author's row is locked while checking, so two identical posts give one item (and the
    second upload is not stored).
    """
    title = title.strip()
    if author is not None:
        User.objects.select_for_update(no_key=True).filter(pk=author.pk).first()
        existing = KnowledgeItem.objects.filter(
            author=author, source_community=source_community, title=title
        ).first()
        if existing is not None:
            return existing, False
    if missing := file_or_link_missing(file=file, link=link):
        raise missing
    if file:
        validate_knowledge_upload(file)
        file.name = sanitise_upload_name(file.name)
    item = KnowledgeItem(
        title=title,
        kind=kind,
        summary=summary.strip(),
        body=body.strip(),
        link=link.strip(),
        licence=licence,
        visibility=visibility,
        source_community=source_community,
        author=author,
    )
    if file:
        item.file = file
    for attempt in range(SLUG_ATTEMPTS):
        item.slug = unique_slug(KnowledgeItem, title)
        if attempt == 0:
            item.full_clean(exclude=["slug"])
        try:
            with transaction.atomic():
                item.save()
            break
        except IntegrityError:
            # Someone else took the same slug between choosing and saving it: choose again.
            if attempt == SLUG_ATTEMPTS - 1:
                raise
    item.topics.set(list(topics))
    item.sectors.set(list(sectors))
    return item, True
