"""Organisations to and from CSV (PRODUCT.md section 6), for hub coordinators who onboard a
region from a spreadsheet. `manage.py import_organisations` and the admin upload both call
`organisations_import`; the admin's preview is the same call with `dry_run=True`.

The file is checked as a whole (with a fixed number of queries, however long it is) before
anything is written; then everything is written in one transaction. The `ref` column is the
key: importing a ref again updates that organisation, and importing the same file twice
leaves the database as the first import left it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.csv_exchange import (
    CsvRow,
    CsvSource,
    ImportResult,
    RowReader,
    find_duplicates,
    format_boolean,
    join_list,
    many_to_many_replace,
    max_length,
    read_rows,
    ref_or_synthetic,
    synthetic_ref,
    write_rows,
)
from apps.core.slugs import unique_slug
from apps.matching.services import match_schedule_for_suppliers
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector

from .models import Organisation

COLUMNS = (
    "ref",
    "name",
    "kind",
    "province",
    "topics",
    "sectors",
    "formats",
    "capacity",
    "serves_nationally",
    "website",
    "parent_ref",
)
REF_PREFIX = "org"
SCALAR_FIELDS = ("name", "kind_id", "province_id", "capacity", "serves_nationally", "website")
MANY_TO_MANY_FIELDS = ("topics", "sectors", "formats")


@dataclass(frozen=True)
class TaxonomyIndex:
    """The reference data by the slugs (province: code) that files use, mapped to pks."""

    kinds: dict[str, int]
    provinces: dict[str, int]
    topics: dict[str, int]
    sectors: dict[str, int]
    formats: dict[str, int]

    @classmethod
    def load(cls) -> TaxonomyIndex:
        return cls(
            kinds=dict(OrganisationKind.objects.values_list("slug", "pk")),
            provinces=dict(Province.objects.values_list("code", "pk")),
            # Group and leaf slugs alike: naming a group means "anything in this group".
            topics=dict(AITopic.objects.values_list("slug", "pk")),
            sectors=dict(Sector.objects.values_list("slug", "pk")),
            formats=dict(Format.objects.values_list("slug", "pk")),
        )


@dataclass
class _Row:
    line: int
    ref: str
    parent_ref: str
    scalars: dict[str, object]
    related: dict[str, set[int]]


@dataclass
class _Change:
    row: _Row
    organisation: Organisation
    is_new: bool
    scalars_changed: bool = False
    parent_changed: bool = False
    related_changed: dict[str, set[int]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.scalars_changed or self.parent_changed or bool(self.related_changed)


class _Stored:
    """What the database holds: every organisation's ref and parent (for parent_ref and
    cycles), and the full rows of those the file names."""

    def __init__(self, refs: set[str]):
        tree = list(Organisation.objects.order_by().values_list("pk", "ref", "parent_id"))
        # Rows without a ref answer to the `org-<pk>` an export gave them; a stored ref wins.
        self.pk_by_ref = {synthetic_ref(REF_PREFIX, pk): pk for pk, ref, _parent in tree if not ref}
        self.pk_by_ref.update({ref: pk for pk, ref, _parent in tree if ref})
        self.ref_by_pk = {pk: ref for ref, pk in self.pk_by_ref.items()}
        self.parent_by_pk = {pk: parent_pk for pk, _ref, parent_pk in tree}
        named = {self.pk_by_ref[ref] for ref in refs if ref in self.pk_by_ref}
        self.organisations = {
            organisation.pk: organisation
            for organisation in Organisation.objects.filter(pk__in=named).prefetch_related(
                *MANY_TO_MANY_FIELDS
            )
        }

    def get(self, ref: str) -> Organisation | None:
        return self.organisations.get(self.pk_by_ref.get(ref))


def organisations_import(*, file: CsvSource, dry_run: bool = False) -> ImportResult:
    """Create or update the organisations in a CSV file, or with `dry_run` only check it and
    count what would happen. With any error nothing is written and `result.errors` holds them
    all."""
    result = ImportResult(dry_run=dry_run)
    csv_rows = read_rows(file, columns=COLUMNS, result=result)
    if not csv_rows:  # an empty file, or one whose header or encoding is unusable
        return result
    with transaction.atomic():
        stored = _Stored({row["ref"] for row in csv_rows})
        rows = _validate(csv_rows, stored=stored, result=result)
        if not result.ok:
            result.sort_errors()
            return result
        changes = [_change_for(row, stored) for row in rows]
        result.created = sum(change.is_new for change in changes)
        result.updated = sum(change.changed and not change.is_new for change in changes)
        result.unchanged = len(changes) - result.created - result.updated
        if not dry_run:
            _write(changes, stored)
            match_schedule_for_suppliers(
                organisation_ids=[c.organisation.pk for c in changes if c.is_new or c.changed],
                trigger="import",
            )
    return result


def _validate(csv_rows: list[CsvRow], *, stored: _Stored, result: ImportResult) -> list[_Row]:
    taxonomy = TaxonomyIndex.load()
    rows = [row for csv_row in csv_rows if (row := _parse(csv_row, taxonomy, result))]
    find_duplicates(((row.line, row["ref"]) for row in csv_rows), column="ref", result=result)
    refs_in_file = {row["ref"] for row in csv_rows}
    for row in csv_rows:
        parent_ref = row["parent_ref"]
        if parent_ref and parent_ref not in refs_in_file and parent_ref not in stored.pk_by_ref:
            result.add_error(
                row.line,
                "parent_ref",
                _("unknown organisation '%(value)s': not in this file nor in the database")
                % {"value": parent_ref},
            )
    _check_parent_cycles(csv_rows, stored=stored, result=result)
    return rows


def _parse(csv_row: CsvRow, taxonomy: TaxonomyIndex, result: ImportResult) -> _Row | None:
    cells = RowReader(csv_row, result)
    ref = cells.text("ref", required=True, max_length=max_length(Organisation, "ref"))
    scalars = {
        "name": cells.text("name", required=True, max_length=max_length(Organisation, "name")),
        "kind_id": cells.one_of(
            "kind", taxonomy.kinds, unknown=_("unknown organisation kind '%(value)s'")
        ),
        "province_id": cells.one_of(
            "province",
            taxonomy.provinces,
            unknown=_("unknown province '%(value)s'"),
            normalise=str.upper,
        ),
        "capacity": cells.integer(
            "capacity",
            maximum=connection.ops.integer_field_range("PositiveIntegerField")[1],
            default=0,
        ),
        "serves_nationally": cells.boolean("serves_nationally"),
        "website": cells.url("website", max_length=max_length(Organisation, "website")),
    }
    related = {
        "topics": cells.many_of("topics", taxonomy.topics, unknown=_("unknown topic '%(value)s'")),
        "sectors": cells.many_of(
            "sectors", taxonomy.sectors, unknown=_("unknown sector '%(value)s'")
        ),
        "formats": cells.many_of(
            "formats", taxonomy.formats, unknown=_("unknown format '%(value)s'")
        ),
    }
    parent_ref = cells.text("parent_ref", max_length=max_length(Organisation, "ref"))
    if not cells.ok:
        return None
    return _Row(csv_row.line, ref, parent_ref, scalars, related)


def _check_parent_cycles(csv_rows: list[CsvRow], *, stored: _Stored, result: ImportResult) -> None:
    """Report each row that would become its own ancestor, with the loop spelled out."""

    def node(ref: str) -> int | str:
        # Stored organisations are known by pk (whatever ref the file uses for them), new
        # ones by their ref.
        return stored.pk_by_ref.get(ref, ref)

    def label(item: int | str) -> str:
        return stored.ref_by_pk.get(item, str(item)) if isinstance(item, int) else item

    parent_of: dict[int | str, int | str | None] = dict(stored.parent_by_pk)
    first_rows = {}
    for row in csv_rows:
        if row["ref"] and row["ref"] not in first_rows:
            first_rows[row["ref"]] = row
            parent_of[node(row["ref"])] = node(row["parent_ref"]) if row["parent_ref"] else None
    for ref, row in first_rows.items():
        start = node(ref)
        chain = [start]
        current = parent_of.get(start)
        while current is not None and current not in chain:
            chain.append(current)
            current = parent_of.get(current)
        if current == start:
            result.add_error(
                row.line,
                "parent_ref",
                _("parent_ref makes a cycle: %(cycle)s")
                % {"cycle": " → ".join(label(item) for item in [*chain, start])},
            )


def _change_for(row: _Row, stored: _Stored) -> _Change:
    existing = stored.get(row.ref)
    if existing is None:
        organisation = Organisation(ref=row.ref, **row.scalars)
        return _Change(
            row,
            organisation,
            is_new=True,
            parent_changed=bool(row.parent_ref),
            related_changed={name: ids for name, ids in row.related.items() if ids},
        )
    change = _Change(row, existing, is_new=False)
    for name, value in row.scalars.items():
        if getattr(existing, name) != value:
            setattr(existing, name, value)
            change.scalars_changed = True
    # A parent that the file creates has no pk yet, so pointing to it is always a change.
    wanted_parent = stored.pk_by_ref.get(row.parent_ref, "new") if row.parent_ref else None
    change.parent_changed = wanted_parent != existing.parent_id
    for name, ids in row.related.items():
        if ids != {item.pk for item in getattr(existing, name).all()}:
            change.related_changed[name] = ids
    return change


def _write(changes: list[_Change], stored: _Stored) -> None:
    now = timezone.now()
    for change in changes:
        if change.is_new:
            organisation = change.organisation
            organisation.slug = unique_slug(Organisation, organisation.name)
            organisation.save()
    updated = [change.organisation for change in changes if change.scalars_changed]
    for organisation in updated:
        organisation.updated_at = now
    Organisation.objects.bulk_update(updated, [*SCALAR_FIELDS, "updated_at"])

    # Second pass: every row has a pk now, so parent_ref may name a row further down the file.
    pk_by_ref = stored.pk_by_ref | {change.row.ref: change.organisation.pk for change in changes}
    reparented = []
    for change in changes:
        if change.parent_changed:
            parent_ref = change.row.parent_ref
            change.organisation.parent_id = pk_by_ref[parent_ref] if parent_ref else None
            change.organisation.updated_at = now
            reparented.append(change.organisation)
    Organisation.objects.bulk_update(reparented, ["parent_id", "updated_at"])

    for name in MANY_TO_MANY_FIELDS:
        many_to_many_replace(
            Organisation,
            name,
            {
                change.organisation.pk: change.related_changed[name]
                for change in changes
                if name in change.related_changed
            },
        )


def organisations_export(*, out: IO[str], queryset: QuerySet[Organisation] | None = None) -> int:
    """Write organisations in the import format; returns the number of rows. A row without a
    ref is written with `org-<pk>`, which an import into this database recognises."""
    if queryset is None:
        queryset = Organisation.objects.order_by("name", "pk")
    queryset = queryset.select_related("kind", "province", "parent").prefetch_related(
        *MANY_TO_MANY_FIELDS
    )
    return write_rows(
        out, columns=COLUMNS, rows=(_export_row(organisation) for organisation in queryset)
    )


def _export_row(organisation: Organisation) -> dict[str, str]:
    parent = organisation.parent
    return {
        "ref": ref_or_synthetic(REF_PREFIX, organisation.ref, organisation.pk),
        "name": organisation.name,
        "kind": organisation.kind.slug,
        "province": organisation.province.code,
        "topics": join_list(topic.slug for topic in organisation.topics.all()),
        "sectors": join_list(sector.slug for sector in organisation.sectors.all()),
        "formats": join_list(item.slug for item in organisation.formats.all()),
        "capacity": str(organisation.capacity),
        "serves_nationally": format_boolean(organisation.serves_nationally),
        "website": organisation.website,
        "parent_ref": ref_or_synthetic(REF_PREFIX, parent.ref, parent.pk) if parent else "",
    }
