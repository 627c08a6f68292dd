"""Writing the audit trail. Services that carry out a coordinator action call
`audit_record` in the same transaction as the change, so the trail and the data never
disagree: a rolled-back action leaves no audit row."""

from collections.abc import Mapping
from typing import Any

from django.db import models

from .models import AuditAction, AuditEvent


def audit_record(
    *,
    actor,
    action: AuditAction | str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_label: str = "",
    province_id: int | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record one action. Pass `target` (a model instance) or the object_* fields (for an
    action on many rows, such as an import). Values in before/after must be JSON-ready."""
    if target is not None:
        object_type = object_type or target._meta.label
        object_id = object_id or target.pk
        object_label = object_label or str(target)
        if province_id is None:
            province_id = getattr(target, "province_id", None)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.email if actor is not None and actor.pk else "system")[:254],
        action=AuditAction(action),
        object_type=object_type,
        object_id=str(object_id),
        object_label=str(object_label)[:300],
        province_id=province_id,
        before=dict(before or {}),
        after=dict(after or {}),
    )
