"""Organisations to and from CSV (PRODUCT.md section 6), for hub coordinators who onboard a
region from a spreadsheet. `manage.py import_organisations` and the admin upload both call
`organisations_import`; the admin's preview is the same call with `dry_run=True`.

The file is read row by row and checked as a whole (with a fixed number of queries per chunk
of rows) in one transaction that writes chunk by chunk and is rolled back when any row is
wrong, so nothing is written then. The `ref` column is the key: importing a ref again
updates that organisation, and importing the same file twice leaves the database as the
first import left it.

A hub coordinator's upload is limited to their region (`allowed_provinces`); the command line
works nationwide. A real import (not a dry run) leaves an audit event per province where
it changed something.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import IO, TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.csv_exchange import (
    CREATED,
    FORMATS_HELP,
    PROVINCE_HELP,
    REF_HELP,
    SECTORS_HELP,
    UNCHANGED,
    UPDATED,
    Column,
    CsvRow,
    CsvSource,
    FirstLines,
    ImportResult,
    RowOutcome,
    RowReader,
    format_boolean,
    in_chunks,
    join_list,
    many_to_many_replace,
    max_length,
    read_rows,
    ref_or_synthetic,
    reference_labels,
    synthetic_ref,
    write_rows,
)
from apps.core.slugs import unique_slug
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector

from .models import KVK_NUMBER_PATTERN, Organisation
from .services import MANY_TO_MANY_FIELDS, normalise_kvk_number, supplier_profile_problems
from .signals import organisation_changed

if TYPE_CHECKING:
    from apps.accounts.models import User

# The file's columns, in order, with the help the admin's upload page shows.
COLUMNS = (
    Column("ref", REF_HELP),
    Column("name", gettext_lazy("Name of the organisation. Required.")),
    Column(
        "kind", gettext_lazy("Kind of organisation, one value."), reference_labels(OrganisationKind)
    ),
    Column("province", PROVINCE_HELP, reference_labels(Province, key="code")),
    Column(
        "topics",
        gettext_lazy(
            "AI topics it works on, separated by “;”; a group means anything in it. "
            "Education and innovation partners need at least one."
        ),
        reference_labels(AITopic),
    ),
    Column("sectors", SECTORS_HELP, reference_labels(Sector)),
    Column("formats", FORMATS_HELP, reference_labels(Format)),
    Column(
        "capacity",
        gettext_lazy(
            "How many collaborations it can take on at once, a whole number. Empty: 0. "
            "Education and innovation partners need at least 1."
        ),
    ),
    Column(
        "serves_nationally",
        gettext_lazy("Works across the whole country: true or false (also yes/no, ja/nee, 1/0)."),
    ),
    Column("website", gettext_lazy("Web address; https:// is added when missing. May be empty.")),
    Column(
        "parent_ref",
        gettext_lazy(
            "The ref of the organisation it belongs to (a lectorate's university of "
            "applied sciences), in this file or imported before. May be empty."
        ),
    ),
    Column(
        "description",
        gettext_lazy(
            "What the organisation does and offers, in plain words (at most 5,000 "
            "characters); matching reads it. Optional column: a file without it leaves "
            "the descriptions as they are."
        ),
        optional=True,
    ),
    Column(
        "kvk",
        gettext_lazy(
            "Its KvK number (Chamber of Commerce): 8 digits, each used by one organisation "
            "only. May be empty. Optional column: a file without it leaves the numbers as "
            "they are."
        ),
        optional=True,
    ),
)
REF_PREFIX = "org"
SCALAR_FIELDS = (
    "name",
    "kind_id",
    "province_id",
    "capacity",
    "serves_nationally",
    "website",
    "description",
    "kvk_number",
)


@dataclass(frozen=True)
class TaxonomyIndex:
    """The reference data by the slugs (province: code) that files use, mapped to pks."""

    kinds: dict[str, int]
    supply_kind_ids: frozenset[int]
    provinces: dict[str, int]
    topics: dict[str, int]
    sectors: dict[str, int]
    formats: dict[str, int]

    @classmethod
    def load(cls) -> TaxonomyIndex:
        kinds = list(OrganisationKind.objects.values_list("slug", "pk", "role"))
        return cls(
            kinds={slug: pk for slug, pk, _role in kinds},
            supply_kind_ids=frozenset(
                pk for _slug, pk, role in kinds if role == OrganisationKind.Role.SUPPLY
            ),
            provinces=dict(Province.objects.values_list("code", "pk")),
            # Group and leaf slugs alike: naming a group means "anything in this group".
            topics=dict(AITopic.objects.values_list("slug", "pk")),
            sectors=dict(Sector.objects.values_list("slug", "pk")),
            formats=dict(Format.objects.values_list("slug", "pk")),
        )


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

    def check_province_cell(self, row: CsvRow, result: ImportResult) -> None:
        """An error when the row's (known) province lies outside the region; an unknown
        province is reported by the row's own checks."""
        if self.nationwide:
            return
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


class ImportTally:
    """What an import does with its rows, kept small however long the file: the counts per
    province (for the result and the audit trail) and, only for a caller that asks (the
    admin's preview), each row's outcome."""

    def __init__(self, *, keep_outcomes: bool):
        self.by_province: defaultdict[int, Counter[str]] = defaultdict(Counter)
        self.outcomes: list[RowOutcome] | None = [] if keep_outcomes else None

    def add(self, outcome: RowOutcome) -> None:
        self.by_province[outcome.province_id][outcome.outcome] += 1
        if self.outcomes is not None:
            self.outcomes.append(outcome)

    def report(self, result: ImportResult, outcomes: list[RowOutcome] | None) -> None:
        """Put the counts on `result` and the outcomes in `outcomes` (when given)."""
        result.created, result.updated, result.unchanged = (
            sum(counts[kind] for counts in self.by_province.values())
            for kind in (CREATED, UPDATED, UNCHANGED)
        )
        if outcomes is not None and self.outcomes is not None:
            outcomes.extend(self.outcomes)


def import_audit_record(
    *,
    by: User | None,
    action: AuditAction,
    object_type: str,
    file_name: str,
    by_province: Mapping[int, Counter[str]],
) -> None:
    """Record a written import: one audit event per province where it created or updated
    something, with that province's counts (`by_province`: outcome counts by province pk),
    so each hub's coordinators find the imports into their region in the (province-scoped)
    audit trail. A file that changes nothing leaves no event. `by` None is the command line
    ("system")."""
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
    scalars_changed: set[str] = field(default_factory=set)
    parent_changed: bool = False
    related_changed: dict[str, set[int]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.scalars_changed) or self.parent_changed or bool(self.related_changed)

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
    parent_ref, cycles and the region); `named` loads the full rows a chunk of the file
    names."""

    def __init__(self):
        rows = list(
            Organisation.objects.order_by().values_list(
                "pk", "ref", "parent_id", "province_id", "kvk_number"
            )
        )
        tree = [row[:4] for row in rows]
        self.pk_by_kvk = {row[4]: row[0] for row in rows if row[4]}
        # Rows without a ref answer to the `org-<pk>` an export gave them; a stored ref wins.
        self.pk_by_ref = {synthetic_ref(REF_PREFIX, pk): pk for pk, ref, *_rest in tree if not ref}
        self.pk_by_ref.update({ref: pk for pk, ref, *_rest in tree if ref})
        self.ref_by_pk = {pk: ref for ref, pk in self.pk_by_ref.items()}
        self.parent_by_pk = {pk: parent_pk for pk, _ref, parent_pk, _province in tree}
        self.province_by_pk = {pk: province_pk for pk, _ref, _parent, province_pk in tree}

    def named(self, refs: Iterable[str]) -> dict[str, Organisation]:
        """The stored organisations these refs name, by ref, with their related rows."""
        pks = {ref: self.pk_by_ref[ref] for ref in refs if ref in self.pk_by_ref}
        found = {
            organisation.pk: organisation
            for organisation in Organisation.objects.filter(
                pk__in=set(pks.values())
            ).prefetch_related(*MANY_TO_MANY_FIELDS)
        }
        return {ref: found[pk] for ref, pk in pks.items() if pk in found}


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
    first = next(csv_rows, None)
    if first is None:  # an empty file, or one whose header is unusable
        return result
    tally = ImportTally(keep_outcomes=outcomes is not None)
    with transaction.atomic():
        taxonomy = TaxonomyIndex.load()
        stored = _Stored()
        checks = _FileChecks(stored=stored, region=Region(allowed_provinces, taxonomy))
        written: list[int] = []  # pks created or changed, for matching
        reparented: list[tuple[int, str]] = []  # (pk, parent_ref), set once all rows exist
        for chunk in in_chunks(chain([first], csv_rows)):
            rows = [row for csv_row in chunk if (row := _parse(csv_row, taxonomy, result))]
            for csv_row in chunk:
                checks.add(csv_row, result)
            if not result.ok:
                continue  # the import will roll back: only check the rest of the file
            named = stored.named(row.ref for row in rows)
            changes = [_change_for(row, named.get(row.ref), stored) for row in rows]
            for change in changes:
                _check_supplier_profile(change, taxonomy, result)
                tally.add(change.outcome())
            if not result.ok:
                continue
            if not dry_run:
                _write(changes)
                written.extend(c.organisation.pk for c in changes if c.is_new or c.changed)
                reparented.extend(
                    (c.organisation.pk, c.row.parent_ref) for c in changes if c.parent_changed
                )
        checks.finish(result)
        if not result.ok:
            transaction.set_rollback(True)
            result.sort_errors()
            return result
        if not dry_run:
            _write_parents(reparented, stored)
            organisation_changed.send(
                Organisation, organisation_ids=written, fields=None, trigger="import"
            )
            import_audit_record(
                by=by,
                action=AuditAction.ORGANISATIONS_IMPORTED,
                object_type=Organisation._meta.label,
                file_name=file_name or source_name(file),
                by_province=tally.by_province,
            )
    tally.report(result, outcomes)
    return result


class _FileChecks:
    """The checks across rows, fed row by row: the region, refs used twice and, once the
    whole file is read, parent_refs that name nothing or make a cycle. Of each row only its
    line, ref and parent_ref are kept."""

    def __init__(self, *, stored: _Stored, region: Region):
        self.stored = stored
        self.region = region
        self.first_lines = FirstLines("ref")
        self.kvk_lines = FirstLines("kvk")
        self.parents: list[tuple[int, str, str]] = []  # (line, ref, parent_ref) when set

    def add(self, row: CsvRow, result: ImportResult) -> None:
        self.region.check_province_cell(row, result)
        if not self.region.nationwide:
            self._check_region_ref(row, result)
        self.first_lines.add(row.line, row["ref"], result)
        if "kvk" in row:
            self._check_kvk_unique(row, result)
        if row["parent_ref"]:
            self.parents.append((row.line, row["ref"], row["parent_ref"]))

    def finish(self, result: ImportResult) -> None:
        stored = self.stored
        for line, ref, parent_ref in self.parents:
            if not self.region.nationwide:
                self._check_region_parent(line, ref, parent_ref, result)
            if parent_ref not in self.first_lines and parent_ref not in stored.pk_by_ref:
                result.add_error(
                    line,
                    "parent_ref",
                    _("unknown organisation '%(value)s': not in this file nor in the database")
                    % {"value": parent_ref},
                )
        self._check_parent_cycles(result)

    def _check_kvk_unique(self, row: CsvRow, result: ImportResult) -> None:
        """A KvK number names one organisation: not twice in the file, nor one that another
        stored organisation has."""
        number = normalise_kvk_number(row["kvk"])
        if not number:
            return
        self.kvk_lines.add(row.line, number, result)
        holder = self.stored.pk_by_kvk.get(number)
        if holder is not None and holder != self.stored.pk_by_ref.get(row["ref"]):
            result.add_error(
                row.line,
                "kvk",
                _("KvK number %(value)s belongs to another organisation already")
                % {"value": number},
            )

    def _check_region_ref(self, row: CsvRow, result: ImportResult) -> None:
        """A coordinator changes only organisations in their region."""
        existing_pk = self.stored.pk_by_ref.get(row["ref"])
        if existing_pk is not None and not self.region.allows(
            self.stored.province_by_pk[existing_pk]
        ):
            result.add_error(
                row.line,
                "ref",
                _("organisation '%(value)s' lies outside your region; you cannot change it")
                % {"value": row["ref"]},
            )

    def _check_region_parent(
        self, line: int, ref: str, parent_ref: str, result: ImportResult
    ) -> None:
        """A coordinator points a parent_ref only at an organisation in their region, or at
        the parent it already has (as the admin's change page keeps a saved choice valid)."""
        stored = self.stored
        existing_pk = stored.pk_by_ref.get(ref)
        parent_pk = stored.pk_by_ref.get(parent_ref)
        if (
            parent_ref not in self.first_lines
            and parent_pk is not None
            and not self.region.allows(stored.province_by_pk[parent_pk])
            and (existing_pk is None or stored.parent_by_pk[existing_pk] != parent_pk)
        ):
            result.add_error(
                line,
                "parent_ref",
                _("organisation '%(value)s' lies outside your region") % {"value": parent_ref},
            )

    def _check_parent_cycles(self, result: ImportResult) -> None:
        """Report each row that would become its own ancestor, with the loop spelled out."""
        stored = self.stored

        def node(ref: str) -> int | str:
            # Stored organisations are known by pk (whatever ref the file uses for them), new
            # ones by their ref.
            return stored.pk_by_ref.get(ref, ref)

        def label(item: int | str) -> str:
            return stored.ref_by_pk.get(item, str(item)) if isinstance(item, int) else item

        # The first row with a ref says where it hangs; a repeat is an error of its own.
        first_lines = self.first_lines.lines
        parent_of: dict[int | str, int | str | None] = dict(stored.parent_by_pk)
        for ref in first_lines:
            parent_of[node(ref)] = None
        for line, ref, parent_ref in self.parents:
            if first_lines.get(ref) == line:
                parent_of[node(ref)] = node(parent_ref)
        for ref, line in first_lines.items():
            start = node(ref)
            ancestors = [start]
            current = parent_of.get(start)
            while current is not None and current not in ancestors:
                ancestors.append(current)
                current = parent_of.get(current)
            if current == start:
                result.add_error(
                    line,
                    "parent_ref",
                    _("parent_ref makes a cycle: %(cycle)s")
                    % {"cycle": " → ".join(label(item) for item in [*ancestors, start])},
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
    if "description" in csv_row:
        # Plain text, as written: the page shows it escaped, never as HTML.
        scalars["description"] = (
            cells.text("description", max_length=max_length(Organisation, "description")) or ""
        )
    if "kvk" in csv_row:
        scalars["kvk_number"] = _kvk_cell(cells)
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


def _kvk_cell(cells: RowReader) -> str | None:
    value = cells.text("kvk", max_length=None)
    if value is None:
        return None
    number = normalise_kvk_number(value)
    if number and not re.fullmatch(KVK_NUMBER_PATTERN, number):
        cells.error("kvk", _("'%(value)s' is not a KvK number (8 digits)") % {"value": value})
        return None
    return number


def _change_for(row: _Row, existing: Organisation | None, stored: _Stored) -> _Change:
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
            change.scalars_changed.add(name)
    # A parent that the file creates has no pk yet, so pointing to it is always a change.
    wanted_parent = stored.pk_by_ref.get(row.parent_ref, "new") if row.parent_ref else None
    change.parent_changed = wanted_parent != existing.parent_id
    for name, ids in row.related.items():
        if ids != {item.pk for item in getattr(existing, name).all()}:
            change.related_changed[name] = ids
    return change


def _check_supplier_profile(change: _Change, taxonomy: TaxonomyIndex, result: ImportResult) -> None:
    """The supplier rule for a new row or one that changes its kind, capacity or topics; an
    older, incomplete organisation that the file leaves as it is does not fail the file."""
    row = change.row
    touched = change.scalars_changed | change.related_changed.keys()
    problems = supplier_profile_problems(
        is_supplier=row.scalars["kind_id"] in taxonomy.supply_kind_ids,
        has_topics=bool(row.related["topics"]),
        capacity=row.scalars["capacity"],
        # The file's columns by field name (kind_id is the kind).
        changed_fields=None if change.is_new else {name.removesuffix("_id") for name in touched},
    )
    for column, problem in problems.items():
        result.add_error(row.line, column, problem)


def _write(changes: list[_Change]) -> None:
    """Write a chunk of rows; parents come later (`_write_parents`), as a parent_ref may name
    a row further down the file."""
    now = timezone.now()
    for change in changes:
        if change.is_new:
            organisation = change.organisation
            organisation.slug = unique_slug(Organisation, organisation.name)
            # A coordinator's import (or the command line) vouches for what it adds.
            organisation.verified_at = now
            organisation.save()
    updated = [change.organisation for change in changes if change.scalars_changed]
    for organisation in updated:
        organisation.updated_at = now
    Organisation.objects.bulk_update(updated, [*SCALAR_FIELDS, "updated_at"])
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


def _write_parents(reparented: list[tuple[int, str]], stored: _Stored) -> None:
    """Set the parents of (pk, parent_ref) pairs once every row of the file has a pk: a
    parent is a stored organisation or one the file created (found by its ref)."""
    now = timezone.now()
    for chunk in in_chunks(reparented):
        new_refs = {ref for _pk, ref in chunk if ref and ref not in stored.pk_by_ref}
        created = dict(
            Organisation.objects.filter(ref__in=new_refs).values_list("ref", "pk")
            if new_refs
            else ()
        )
        Organisation.objects.bulk_update(
            [
                Organisation(
                    pk=pk,
                    parent_id=(stored.pk_by_ref.get(ref) or created[ref]) if ref else None,
                    updated_at=now,
                )
                for pk, ref in chunk
            ],
            ["parent_id", "updated_at"],
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
        "description": organisation.description,
        "kvk": organisation.kvk_number,
    }
