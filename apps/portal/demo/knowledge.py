"""The demo's knowledge base, shared by its authors as on the site."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from apps.knowledge.models import KnowledgeItem
from apps.knowledge.services import knowledge_item_create

from ..demo_data.knowledge import KNOWLEDGE_ITEMS
from .context import DemoLoad
from .rows import (
    ids,
    sync_links,
    upsert,
)


def load_knowledge(load: DemoLoad) -> None:
    """The knowledge items with their topics and sectors."""
    at, writes, taxonomy, user_pk, people_by_pk, community_pk, communities_by_pk = (
        load.at,
        load.writes,
        load.taxonomy,
        load.user_pk,
        load.people_by_pk,
        load.community_pk,
        load.communities_by_pk,
    )
    # The knowledge base: shared by its author as on the site (a unique slug, the checked
    # file, the double-submit guard). What has no link of its own comes with its write-up as
    # a Markdown file, since an item needs a file or a link.
    knowledge_by_slug = {item.slug: item for item in KNOWLEDGE_ITEMS}

    def share_knowledge_item(values: dict[str, Any]) -> KnowledgeItem:
        listed = knowledge_by_slug[values["slug"]]
        write_up = None
        if not listed.link:
            text = f"# {listed.title}\n\n{listed.summary}\n\n{listed.body}\n"
            write_up = ContentFile(text.encode(), name=f"{listed.slug}.md")
        item, _created = knowledge_item_create(
            title=listed.title,
            kind=listed.kind,
            summary=listed.summary,
            body=listed.body,
            author=people_by_pk[values["author_id"]],
            source_community=communities_by_pk.get(values["source_community_id"]),
            file=write_up,
            link=listed.link,
            licence=listed.licence,
            visibility=listed.visibility,
            topics=ids(taxonomy.topics, listed.topics),
            sectors=ids(taxonomy.sectors, listed.sectors),
        )
        return item

    items = upsert(
        KnowledgeItem.objects.filter(slug__in=[i.slug for i in KNOWLEDGE_ITEMS]),
        key="slug",
        rows=[
            {
                "slug": item.slug,
                "kind": item.kind,
                "title": item.title,
                "summary": item.summary,
                "body": item.body,
                "link": item.link,
                "licence": item.licence,
                "source_community_id": community_pk[item.community] if item.community else None,
                "author_id": user_pk[item.author],
                "visibility": item.visibility,
                "created_at": at(-item.days_ago),
            }
            for item in KNOWLEDGE_ITEMS
        ],
        writes=writes,
        create=share_knowledge_item,
    )
    item_pk = {slug: obj.pk for slug, obj in items.items()}
    for field, lookup, value_of in (
        ("topics", taxonomy.topics, lambda i: i.topics),
        ("sectors", taxonomy.sectors, lambda i: i.sectors),
    ):
        wanted = {item_pk[i.slug]: ids(lookup, value_of(i)) for i in KNOWLEDGE_ITEMS}
        sync_links(KnowledgeItem, field, wanted, writes)

    load.items = items
