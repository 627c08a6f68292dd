"""Organisations to and from CSV (PRODUCT.md section 6), for hub coordinators who onboard a
region from a spreadsheet. `manage.py import_organisations` and the admin upload both call
`organisations_import`; the admin's preview is the same call with `dry_run=True`.

The file is checked as a whole (with a fixed number of queries, however long it is) before
anything is written; then everything is written in one transaction. The `ref` column is the
key: importing a ref again updates that organisation, and importing the same file twice
leaves the database as the first import left it.

A hub coordinator's upload is limited to their region (`allowed_provinces`); the command line
works nationwide. A real import (not a dry run) leaves an audit event per province where
it changed something.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
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

if TYPE_CHECKING:
    from apps.accounts.models import User

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


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class RowOutcome:
    """What an import does, or with `dry_run` would do, with one row of the file (`outcome`
    is CREATED, UPDATED or UNCHANGED): the admin's preview lists the first few of each."""

    line: int
    ref: str
    label: str
    outcome: str
    province_id: int


def source_name(file: CsvSource) -> str:
    """The file name an import records: a path's, or an open file's when it has one."""
    name = file if isinstance(file, str | os.PathLike) else getattr(file, "name", "")
    return os.path.basename(os.fspath(name)) if isinstance(name, str | os.PathLike) else ""


class Region:
    """The provinces a hub coordinator's file may touch, from the codes that
    `allowed_provinces` names (None: nationwide, as for the command line)."""

    def __init__(self, allowed_codes: Collection[str] | None, taxonomy: TaxonomyIndex):
        self.nationwide = allowed_codes is None
        self.codes = sorted({code.upper() for code in allowed_codes or ()})
        self.province_ids = {
            taxonomy.provinces[code] for code in self.codes if code in taxonomy.provinces
        }
        self.taxonomy = taxonomy

    def allows(self, province_id: int | None) -> bool:
        return self.nationwide or province_id in self.province_ids

    def check_province_cells(self, csv_rows: Iterable[CsvRow], result: ImportResult) -> None:
        """An error on each row whose (known) province lies outside the region; an unknown
        province is reported by the row's own checks."""
        if self.nationwide:
            return
        for row in csv_rows:
            province_id = self.taxonomy.provinces.get(row["province"].upper())
            if province_id is not None and not self.allows(province_id):
                result.add_error(
                    row.line,
                    "province",
                    _(
                        "province '%(value)s' is outside your region; you may import rows "
                        "for: %(allowed)s"
                    )
                    % {
                        "value": row["province"],
                        "allowed": ", ".join(self.codes) or _("no province"),
                    },
                )


def import_audit_record(
    *,
    by: User | None,
    action: AuditAction,
    object_type: str,
    file_name: str,
    outcomes: Iterable[RowOutcome],
) -> None:
    """Record a written import: one audit event per province where it created or updated
    something, with that province's counts, so each hub's coordinators find the imports
    into their region in the (province-scoped) audit trail. A file that changes nothing
    leaves no event. `by` None is the command line ("system")."""
    by_province: dict[int, Counter[str]] = defaultdict(Counter)
    for outcome in outcomes:
        by_province[outcome.province_id][outcome.outcome] += 1
    for province_id, counts in sorted(by_province.items()):
        if not counts[CREATED] and not counts[UPDATED]:
            continue
        audit_record(
            actor=by,
            action=action,
            object_type=object_type,
            object_label=file_name,
            province_id=province_id,
            after={
                "file": file_name,
                CREATED: counts[CREATED],
                UPDATED: counts[UPDATED],
                UNCHANGED: counts[UNCHANGED],
            },
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

    def outcome(self) -> RowOutcome:
        return RowOutcome(
            line=self.row.line,
            ref=self.row.ref,
            label=self.organisation.name,
            outcome=CREATED if self.is_new else UPDATED if self.changed else UNCHANGED,
            province_id=self.organisation.province_id,
        )


class _Stored:
    """What the database holds: every organisation's ref, parent and province (for
    parent_ref, cycles and the region), and the full rows of those the file names."""

    def __init__(self, refs: set[str]):
        tree = list(
            Organisation.objects.order_by().values_list("pk", "ref", "parent_id", "province_id")
        )
        # Rows without a ref answer to the `org-<pk>` an export gave them; a stored ref wins.
        self.pk_by_ref = {synthetic_ref(REF_PREFIX, pk): pk for pk, ref, *_rest in tree if not ref}
        self.pk_by_ref.update({ref: pk for pk, ref, *_rest in tree if ref})
        self.ref_by_pk = {pk: ref for ref, pk in self.pk_by_ref.items()}
        self.parent_by_pk = {pk: parent_pk for pk, _ref, parent_pk, _province in tree}
        self.province_by_pk = {pk: province_pk for pk, _ref, _parent, province_pk in tree}
        named = {self.pk_by_ref[ref] for ref in refs if ref in self.pk_by_ref}
        self.organisations = {
            organisation.pk: organisation
            for organisation in Organisation.objects.filter(pk__in=named).prefetch_related(
                *MANY_TO_MANY_FIELDS
            )
        }

    def get(self, ref: str) -> Organisation | None:
        return self.organisations.get(self.pk_by_ref.get(ref))


def organisations_import(
    *,
    file: CsvSource,
    dry_run: bool = False,
    by: User | None = None,
    allowed_provinces: Collection[str] | None = None,
    file_name: str = "",
    outcomes: list[RowOutcome] | None = None,
) -> ImportResult:
    """Create or update the organisations in a CSV file, or with `dry_run` only check it and
    count what would happen. With any error nothing is written and `result.errors` holds them
    all.

    `allowed_provinces` (province codes) limits the file to a hub coordinator's region: a row
    elsewhere, or one that would change an organisation elsewhere, is an error; None imports
    nationwide. `by` is who imports (None: the system) and `file_name` what the audit trail
    calls the file (default: the file's own name). `outcomes`, when given, receives what
    happens to each row."""
    result = ImportResult(dry_run=dry_run)
    csv_rows = read_rows(file, columns=COLUMNS, result=result)
    if not csv_rows:  # an empty file, or one whose header or encoding is unusable
        return result
    with transaction.atomic():
        stored = _Stored({row["ref"] for row in csv_rows})
        rows = _validate(
            csv_rows, stored=stored, result=result, allowed_provinces=allowed_provinces
        )
        if not result.ok:
            result.sort_errors()
            return result
        changes = [_change_for(row, stored) for row in rows]
        result.created = sum(change.is_new for change in changes)
        result.updated = sum(change.changed and not change.is_new for change in changes)
        result.unchanged = len(changes) - result.created - result.updated
        row_outcomes = [change.outcome() for change in changes]
        if not dry_run:
            _write(changes, stored)
            match_schedule_for_suppliers(
                organisation_ids=[c.organisation.pk for c in changes if c.is_new or c.changed],
                trigger="import",
            )
            import_audit_record(
                by=by,
                action=AuditAction.ORGANISATIONS_IMPORTED,
                object_type=Organisation._meta.label,
                file_name=file_name or source_name(file),
                outcomes=row_outcomes,
            )
    if outcomes is not None:
        outcomes.extend(row_outcomes)
    return result


def _validate(
    csv_rows: list[CsvRow],
    *,
    stored: _Stored,
    result: ImportResult,
    allowed_provinces: Collection[str] | None,
) -> list[_Row]:
    taxonomy = TaxonomyIndex.load()
    rows = [row for csv_row in csv_rows if (row := _parse(csv_row, taxonomy, result))]
    region = Region(allowed_provinces, taxonomy)
    region.check_province_cells(csv_rows, result)
    if not region.nationwide:
        _check_region_refs(csv_rows, stored=stored, region=region, result=result)
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


def _check_region_refs(
    csv_rows: list[CsvRow], *, stored: _Stored, region: Region, result: ImportResult
) -> None:
    """A coordinator changes only organisations in their region, and points a parent_ref
    only at one there, or at the parent it already has (as the admin's change page keeps a
    saved choice valid)."""
    refs_in_file = {row["ref"] for row in csv_rows}
    for row in csv_rows:
        existing_pk = stored.pk_by_ref.get(row["ref"])
        if existing_pk is not None and not region.allows(stored.province_by_pk[existing_pk]):
            result.add_error(
                row.line,
                "ref",
                _("organisation '%(value)s' lies outside your region; you cannot change it")
                % {"value": row["ref"]},
            )
        parent_ref = row["parent_ref"]
        parent_pk = stored.pk_by_ref.get(parent_ref)
        if (
            parent_ref
            and parent_ref not in refs_in_file
            and parent_pk is not None
            and not region.allows(stored.province_by_pk[parent_pk])
            and (existing_pk is None or stored.parent_by_pk[existing_pk] != parent_pk)
        ):
            result.add_error(
                row.line,
                "parent_ref",
                _("organisation '%(value)s' lies outside your region") % {"value": parent_ref},
            )


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
