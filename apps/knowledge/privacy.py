"""Personal data in the knowledge base: the items a person wrote (see
`apps.accounts.privacy`). Items are shared work: they stay, without their author."""

from typing import Any

from .models import KnowledgeItem


def personal_data(user) -> dict[str, Any]:
    items = KnowledgeItem.objects.filter(author=user).order_by("created_at", "pk")
    return {
        "knowledge_items_written": [
            {
                "title": item.title,
                "slug": item.slug,
                "kind": item.kind,
                "summary": item.summary,
                "created_at": item.created_at.isoformat(),
            }
            for item in items
        ]
    }


def anonymise(user) -> None:
    KnowledgeItem.objects.filter(author=user).update(author=None)
