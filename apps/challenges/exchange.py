"""Challenges to and from CSV (PRODUCT.md section 6). `manage.py import_challenges` and the
admin upload both call `challenges_import`; the admin's preview is `dry_run=True`.

As for organisations: the file is read row by row, checked as a whole with a fixed number of
queries per chunk of rows and written chunk by chunk in one transaction, keyed on `ref`;
the transaction is rolled back when any row is wrong. A status in the file is where the
challenge should be: a new challenge starts there, an existing one moves there through
`challenge_change_status`, so an import cannot make a move the workflow forbids. A hub
coordinator's upload is limited to their region (`allowed_provinces`), and a real import
leaves an audit event per province where it changed something.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import chain
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.audit.models import AuditAction
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
    in_chunks,
    index_by_ref,
    join_list,
    many_to_many_replace,
    max_length,
    read_rows,
    ref_or_synthetic,
    reference_labels,
    refs_filter,
    write_rows,
)
from apps.organisations.exchange import REF_PREFIX as ORGANISATION_REF_PREFIX
from apps.organisations.exchange import (
    ImportTally,
    Region,
    TaxonomyIndex,
    import_audit_record,
    source_name,
)
from apps.organisations.models import Organisation
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector

from .models import ALLOWED_TRANSITIONS, OPEN_STATUSES, Challenge, ChallengeStatus
from .services import challenge_can_change_status, challenge_change_status
from .signals import challenge_changed

if TYPE_CHECKING:
    from apps.accounts.models import User


def _statuses() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in ChallengeStatus.choices]


# The file's columns, in order, with the help the admin's upload page shows.
COLUMNS = (
    Column("ref", REF_HELP),
    Column(
        "organisation_ref",
        gettext_lazy(
            "The ref of the organisation with the challenge (a kind that asks for help, "
            "such as an SME); import the organisations first. Required."
        ),
    ),
    Column("title", gettext_lazy("Title. Required.")),
    Column("description", gettext_lazy("Description in plain words. Required.")),
    Column("province", PROVINCE_HELP, reference_labels(Province, key="code")),
    Column(
        "topics",
        gettext_lazy("AI topics, separated by “;”; at least one. A group means anything in it."),
        reference_labels(AITopic),
    ),
    Column("sectors", SECTORS_HELP, reference_labels(Sector)),
    Column("formats", FORMATS_HELP, reference_labels(Format)),
    Column(
        "status",
        gettext_lazy(
            "Where the challenge should be. Empty: draft for a new challenge, unchanged "
            "for an existing one. An existing challenge moves only the way the review "
            "workflow allows; “rejected” needs a reason and cannot be imported."
        ),
        _statuses,
    ),
)
REF_PREFIX = "challenge"
SCALAR_FIELDS = ("organisation_id", "title", "description", "province_id")
MANY_TO_MANY_FIELDS = ("topics", "sectors", "formats")


@dataclass
class _Row:
    line: int
    ref: str
    status: str  # empty: keep the stored status (draft for a new challenge)
    scalars: dict[str, object]
    related: dict[str, set[int]]


@dataclass
class _Change:
    row: _Row
    challenge: Challenge
    is_new: bool
    scalars_changed: bool = False
    new_status: str | None = None
    related_changed: dict[str, set[int]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.scalars_changed or bool(self.new_status) or bool(self.related_changed)

    def outcome(self) -> RowOutcome:
        return RowOutcome(
            line=self.row.line,
            ref=self.row.ref,
            label=self.challenge.title,
            outcome=CREATED if self.is_new else UPDATED if self.changed else UNCHANGED,
            province_id=self.challenge.province_id,
        )


class _StatusRefused(Exception):
    """The workflow refused a status change while writing (the challenge moved since the
    check); raised to roll the whole import back."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def challenges_import(
    *,
    file: CsvSource,
    dry_run: bool = False,
    by: User | None = None,
    allowed_provinces: Collection[str] | None = None,
    file_name: str = "",
    outcomes: list[RowOutcome] | None = None,
) -> ImportResult:
    """Create or update the challenges in a CSV file, or with `dry_run` only check it and
    count what would happen. With any error nothing is written and `result.errors` holds them
    all.

    `allowed_provinces` (province codes) limits the file to a hub coordinator's region: a row
    elsewhere, one that would change a challenge elsewhere or one for an organisation
    elsewhere is an error; None imports nationwide. `by` is who imports (None: the system)
    and `file_name` what the audit trail calls the file (default: the file's own name).
    `outcomes`, when given, receives what happens to each row."""
    result = ImportResult(dry_run=dry_run)
    csv_rows = read_rows(file, columns=COLUMNS, result=result)
    first = next(csv_rows, None)
    if first is None:  # an empty file, or one whose header is unusable
        return result
    tally = ImportTally(keep_outcomes=outcomes is not None)
    try:
        with transaction.atomic():
            taxonomy = TaxonomyIndex.load()
            region = Region(allowed_provinces, taxonomy)
            first_lines = FirstLines("ref")
            published: list[int] = []  # one matching run for these at the end
            for chunk in in_chunks(chain([first], csv_rows)):
                rows, stored = _check_chunk(
                    chunk, taxonomy=taxonomy, region=region, first_lines=first_lines, result=result
                )
                if not result.ok:
                    continue  # the import will roll back: only check the rest of the file
                changes = [_change_for(row, stored.get(row.ref)) for row in rows]
                for change in changes:
                    tally.add(change.outcome())
                if not dry_run:
                    _write(changes)
                    published.extend(
                        change.challenge.pk
                        for change in changes
                        if (change.is_new or change.changed)
                        and change.challenge.status == ChallengeStatus.PUBLISHED
                    )
            if not result.ok:
                transaction.set_rollback(True)
                result.sort_errors()
                return result
            if not dry_run:
                if published:
                    # New or changed, published after the import: matched afresh.
                    challenge_changed.send(
                        Challenge, challenge_ids=published, fields=None, trigger="import"
                    )
                import_audit_record(
                    by=by,
                    action=AuditAction.CHALLENGES_IMPORTED,
                    object_type=Challenge._meta.label,
                    file_name=file_name or source_name(file),
                    by_province=tally.by_province,
                )
    except _StatusRefused as refused:
        result.add_error(refused.line, "status", refused.message)
        return result
    tally.report(result, outcomes)
    return result


def _check_chunk(
    chunk: list[CsvRow],
    *,
    taxonomy: TaxonomyIndex,
    region: Region,
    first_lines: FirstLines,
    result: ImportResult,
) -> tuple[list[_Row], dict[str, Challenge]]:
    """Check a chunk of rows (with the refs earlier rows used, in `first_lines`): its good
    rows, and the stored challenges they name."""
    # A ref seen before is a repeat, reported as such; a challenge that an earlier chunk
    # created under it must not add errors of its own.
    stored = index_by_ref(
        REF_PREFIX,
        Challenge.objects.filter(
            refs_filter(REF_PREFIX, (row["ref"] for row in chunk if row["ref"] not in first_lines))
        ).prefetch_related(*MANY_TO_MANY_FIELDS),
        ref=lambda challenge: challenge.ref,
        pk=lambda challenge: challenge.pk,
    )
    organisations = index_by_ref(
        ORGANISATION_REF_PREFIX,
        Organisation.objects.filter(
            refs_filter(ORGANISATION_REF_PREFIX, (row["organisation_ref"] for row in chunk))
        ).select_related("kind"),
        ref=lambda organisation: organisation.ref,
        pk=lambda organisation: organisation.pk,
    )
    rows = [
        row
        for csv_row in chunk
        if (row := _parse(csv_row, taxonomy, organisations, stored, result))
    ]
    for csv_row in chunk:
        first_lines.add(csv_row.line, csv_row["ref"], result)
        region.check_province_cell(csv_row, result)
        if not region.nationwide:
            _check_region_refs(
                csv_row, stored=stored, organisations=organisations, region=region, result=result
            )
    return rows, stored


def _check_region_refs(
    row: CsvRow,
    *,
    stored: dict[str, Challenge],
    organisations: dict[str, Organisation],
    region: Region,
    result: ImportResult,
) -> None:
    """A coordinator changes only challenges in their region, for organisations there (or
    the organisation a challenge already has, as the admin's change page keeps a saved
    choice valid)."""
    existing = stored.get(row["ref"])
    if existing is not None and not region.allows(existing.province_id):
        result.add_error(
            row.line,
            "ref",
            _("challenge '%(value)s' lies outside your region; you cannot change it")
            % {"value": row["ref"]},
        )
    organisation = organisations.get(row["organisation_ref"])
    if (
        organisation is not None
        and not region.allows(organisation.province_id)
        and (existing is None or existing.organisation_id != organisation.pk)
    ):
        result.add_error(
            row.line,
            "organisation_ref",
            _("organisation '%(value)s' lies outside your region")
            % {"value": row["organisation_ref"]},
        )


def _parse(
    csv_row: CsvRow,
    taxonomy: TaxonomyIndex,
    organisations: dict[str, Organisation],
    stored: dict[str, Challenge],
    result: ImportResult,
) -> _Row | None:
    cells = RowReader(csv_row, result)
    ref = cells.text("ref", required=True, max_length=max_length(Challenge, "ref"))
    organisation = cells.one_of(
        "organisation_ref",
        organisations,
        unknown=_("unknown organisation '%(value)s'"),
        normalise=str,  # refs are matched exactly
    )
    if organisation and organisation.kind.role != OrganisationKind.Role.DEMAND:
        cells.error(
            "organisation_ref",
            _(
                "organisation '%(ref)s' cannot post challenges: its kind '%(kind)s' is not a "
                "demand kind"
            )
            % {"ref": csv_row["organisation_ref"], "kind": organisation.kind.slug},
        )
    scalars = {
        "organisation_id": organisation.pk if organisation else None,
        "title": cells.text("title", required=True, max_length=max_length(Challenge, "title")),
        "description": cells.text(
            "description", required=True, max_length=max_length(Challenge, "description")
        ),
        "province_id": cells.one_of(
            "province",
            taxonomy.provinces,
            unknown=_("unknown province '%(value)s'"),
            normalise=str.upper,
        ),
    }
    related = {
        "topics": cells.many_of(
            "topics",
            taxonomy.topics,
            unknown=_("unknown topic '%(value)s'"),
            required=_("a challenge needs at least one topic"),
        ),
        "sectors": cells.many_of(
            "sectors", taxonomy.sectors, unknown=_("unknown sector '%(value)s'")
        ),
        "formats": cells.many_of(
            "formats", taxonomy.formats, unknown=_("unknown format '%(value)s'")
        ),
    }
    status = _check_status(cells, stored.get(ref) if ref else None)
    if not cells.ok:
        return None
    return _Row(csv_row.line, ref, status, scalars, related)


def _check_status(cells: RowReader, existing: Challenge | None) -> str:
    cell = cells.cell("status")
    if cell is None:
        return ""
    status = cell.lower()
    if status and status not in ChallengeStatus.values:
        cells.error(
            "status",
            _("unknown status '%(value)s'; the statuses are: %(statuses)s")
            % {"value": cell, "statuses": ", ".join(ChallengeStatus.values)},
        )
        return status
    if existing is not None and status in ("", existing.status):
        return ""
    if status == ChallengeStatus.REJECTED:
        # The file has no column for the reason that a rejection must carry.
        cells.error("status", _("cannot import a rejected challenge without a reason"))
    elif existing is not None and not challenge_can_change_status(
        challenge=existing, to_status=status
    ):
        allowed = sorted(ALLOWED_TRANSITIONS.get(existing.status, ()))
        cells.error(
            "status",
            _(
                "cannot change the status from '%(from)s' to '%(to)s'; from '%(from)s' it can "
                "go to: %(allowed)s"
            )
            % {
                "from": existing.status,
                "to": status,
                "allowed": ", ".join(allowed) or _("nowhere, it is final"),
            },
        )
    return status


def _change_for(row: _Row, existing: Challenge | None) -> _Change:
    if existing is None:
        return _Change(
            row,
            _new_challenge(row),
            is_new=True,
            related_changed={name: ids for name, ids in row.related.items() if ids},
        )
    change = _Change(row, existing, is_new=False, new_status=row.status or None)
    for name, value in row.scalars.items():
        if getattr(existing, name) != value:
            setattr(existing, name, value)
            change.scalars_changed = True
    for name, ids in row.related.items():
        if ids != {item.pk for item in getattr(existing, name).all()}:
            change.related_changed[name] = ids
    return change


def _new_challenge(row: _Row) -> Challenge:
    """A challenge that starts at the file's status, with the dates that the workflow would
    have set on the way there."""
    status = row.status or ChallengeStatus.DRAFT
    now = timezone.now()
    challenge = Challenge(ref=row.ref, status=status, **row.scalars)
    if status != ChallengeStatus.DRAFT:
        challenge.submitted_at = now
    if status in OPEN_STATUSES:
        challenge.published_at = now
    if status == ChallengeStatus.CLOSED:
        challenge.closed_at = now
    return challenge


def _write(changes: list[_Change]) -> None:
    """Write a chunk of rows."""
    Challenge.objects.bulk_create([change.challenge for change in changes if change.is_new])
    now = timezone.now()
    updated = [change.challenge for change in changes if change.scalars_changed]
    for challenge in updated:
        challenge.updated_at = now
    Challenge.objects.bulk_update(updated, [*SCALAR_FIELDS, "updated_at"])
    for change in changes:
        if change.new_status:
            try:
                challenge_change_status(
                    challenge=change.challenge,
                    to_status=change.new_status,
                    announce=False,
                )
            except ValidationError as exc:
                raise _StatusRefused(change.row.line, exc.messages[0]) from exc
    for name in MANY_TO_MANY_FIELDS:
        many_to_many_replace(
            Challenge,
            name,
            {
                change.challenge.pk: change.related_changed[name]
                for change in changes
                if name in change.related_changed
            },
        )


def challenges_export(*, out: IO[str], queryset: QuerySet[Challenge] | None = None) -> int:
    """Write challenges in the import format; returns the number of rows. A row without a ref
    is written with `challenge-<pk>`, which an import into this database recognises."""
    if queryset is None:
        queryset = Challenge.objects.order_by("pk")
    queryset = queryset.select_related("organisation", "province").prefetch_related(
        *MANY_TO_MANY_FIELDS
    )
    return write_rows(out, columns=COLUMNS, rows=(_export_row(challenge) for challenge in queryset))


def _export_row(challenge: Challenge) -> dict[str, str]:
    organisation = challenge.organisation
    return {
        "ref": ref_or_synthetic(REF_PREFIX, challenge.ref, challenge.pk),
        "organisation_ref": ref_or_synthetic(
            ORGANISATION_REF_PREFIX, organisation.ref, organisation.pk
        ),
        "title": challenge.title,
        "description": challenge.description,
        "province": challenge.province.code,
        "topics": join_list(topic.slug for topic in challenge.topics.all()),
        "sectors": join_list(sector.slug for sector in challenge.sectors.all()),
        "formats": join_list(item.slug for item in challenge.formats.all()),
        "status": challenge.status,
    }
