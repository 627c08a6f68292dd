"""How the demo writes: rows found again by a natural key and written only where they differ
(the refresh), many-to-many links made to match, and the helpers the loading steps share."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import Max

from apps.accounts.models import User
from apps.core.csv_exchange import (
    Column,
    ImportResult,
    write_rows,
)
from apps.notifications.models import Notification


@dataclass
class Writes:
    count: int = 0


def upsert(
    queryset: models.QuerySet,
    *,
    key: str | tuple[str, ...],
    rows: Iterable[dict[str, Any]],
    writes: Writes,
    create_only: Collection[str] = (),
    create: Callable[[dict[str, Any]], models.Model] | None = None,
    left_to_create: Collection[str] = (),
) -> dict[Any, models.Model]:
    """Create the rows `queryset` lacks and update the fields that differ, matching on `key`.

    Values are keyed by attname (`province_id`), so comparing needs no extra query. A
    callable value in `create_only` is only called for a new row (a slug that has to be
    unique). Writes go through `QuerySet.update`, which sets timestamps such as
    `created_at` as given instead of letting `auto_now_add` overwrite them.

    `create(values)`, when given, makes a missing row instead of a plain save: a domain
    service, so that what it does besides (a notice) happens as in real use. The fields the
    service set differently are then written as for an existing row, except those in
    `left_to_create` (what a later step of the load still moves through a service)."""
    model = queryset.model
    fields = (key,) if isinstance(key, str) else key

    def key_of(get: Callable[[str], Any]) -> Any:
        values = tuple(get(field) for field in fields)
        return values[0] if len(values) == 1 else values

    auto_fields = {
        field.attname
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    }
    existing = {key_of(partial(getattr, obj)): obj for obj in queryset}
    result: dict[Any, models.Model] = {}
    for row in rows:
        row_key = key_of(row.__getitem__)
        if row_key in result:
            raise ValueError(f"Demo data names {model.__name__} {row_key!r} twice.")
        obj = existing.get(row_key)
        if obj is None:
            values = {f: v() if callable(v) else v for f, v in row.items()}
            if create is None:
                obj = model(**values)
                obj.save()
                later = {f: v for f, v in values.items() if f in auto_fields}
            else:
                obj = create(values)
                later = {
                    f: v
                    for f, v in values.items()
                    if f not in left_to_create and getattr(obj, f) != v
                }
            if later:
                model._base_manager.filter(pk=obj.pk).update(**later)
                for field, value in later.items():
                    setattr(obj, field, value)
            writes.count += 1
        else:
            changed = {
                f: v for f, v in row.items() if f not in create_only and getattr(obj, f) != v
            }
            if changed:
                model._base_manager.filter(pk=obj.pk).update(**changed)
                for field, value in changed.items():
                    setattr(obj, field, value)
                writes.count += 1
        result[row_key] = obj
    return result


def sync_links(
    model: type[models.Model], field: str, wanted: dict[int, set[int]], writes: Writes
) -> None:
    """Make a many-to-many field hold exactly `wanted` (source pk -> target pks) for these
    rows: one query to read, and only the missing or surplus links are written."""
    relation = model._meta.get_field(field)
    through = relation.remote_field.through
    source = f"{relation.m2m_field_name()}_id"
    target = f"{relation.m2m_reverse_field_name()}_id"
    current: dict[int, set[int]] = defaultdict(set)
    for source_id, target_id in through.objects.filter(**{f"{source}__in": wanted}).values_list(
        source, target
    ):
        current[source_id].add(target_id)
    missing = []
    for source_id, targets in wanted.items():
        surplus = current[source_id] - targets
        if surplus:
            through.objects.filter(**{source: source_id, f"{target}__in": surplus}).delete()
            writes.count += len(surplus)
        missing += [
            through(**{source: source_id, target: target_id})
            for target_id in targets - current[source_id]
        ]
    if missing:
        through.objects.bulk_create(missing)
        writes.count += len(missing)


def ids(lookup: dict[str, int], slugs: str) -> set[int]:
    return {lookup[slug] for slug in slugs.split()}


def shared_password_hash(password: str, emails: list[str]) -> str:
    """One hash for every demo login, so a run hashes at most once (PBKDF2 is slow by
    design): reuse the hash the demo people already have when it still fits `password`."""
    hashes = Counter(User.objects.filter(email__in=emails).values_list("password", flat=True))
    if hashes:
        most_common = hashes.most_common(1)[0][0]
        if check_password(password, most_common):
            return most_common
    return make_password(password)


def import_row(
    importer: Callable[..., ImportResult], columns: Sequence[Column], row: dict[str, str]
) -> None:
    """Register one row as a coordinator's spreadsheet upload does (`importer` is an app's
    CSV import, `columns` its file format): a demo row it refuses is a mistake in the data."""
    text = io.StringIO()
    write_rows(text, columns=columns, rows=[row])
    text.seek(0)
    result = importer(file=text, file_name="demo.csv")
    if not result.ok:
        problems = "; ".join(str(error) for error in result.errors)
        raise ValueError(f"Demo row {row['ref']} does not import: {problems}")


def last_notice() -> int:
    return Notification.objects.aggregate(last=Max("pk"))["last"] or 0


def notices_read_as_history(*, after: int, at: datetime) -> None:
    """The notices made since notice `after` tell of something long past: they were sent and
    read `at` then (so they are neither news nor emailed now)."""
    Notification.objects.filter(pk__gt=after).update(created_at=at, read_at=at)
