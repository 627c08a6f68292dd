"""Spreadsheet exchange (PRODUCT.md section 6): the CSV reading, checking and writing that the
organisation and challenge imports share.

An import checks every row of the file and writes nothing when any is wrong, collecting *all*
problems, so a hub coordinator can fix a spreadsheet in one go instead of one error per run.
Each problem names the physical line in the file (header = line 1) and the column, which is
what a spreadsheet user can find.

The file is read as a stream of rows, handled in chunks of `IMPORT_CHUNK_ROWS`, so memory
does not grow with the raw text: an import keeps only what it needs across rows (refs and
line numbers) and, in its transaction, writes chunk by chunk until the first error, after
which it only checks and finally rolls back. `CSV_IMPORT_MAX_BYTES` limits the file, the
same for the admin upload and the command line.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

LIST_SEPARATOR = ";"
HEADER_LINE = 1
TRUE_WORDS = frozenset({"true", "yes", "ja", "1", "waar"})
FALSE_WORDS = frozenset({"false", "no", "nee", "0", "onwaar", ""})
# A cell starting with one of these is run as a formula by Excel; exports defuse it (see
# `protect_cell`) because titles and descriptions are typed by anyone who signs up.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
URL_SCHEMES = ["http", "https"]
# Rows read, checked and written together: enough for a handful of queries per chunk, few
# enough that the model instances of one chunk stay small.
IMPORT_CHUNK_ROWS = 1000
# Characters PostgreSQL cannot store in text: NUL, and surrogates, which stand for the bytes
# of a file that are not UTF-8 (decoded with "surrogateescape") or come from a text stream
# that is not valid Unicode.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
SURROGATE = re.compile("[\ud800-\udfff]")

CsvSource = str | os.PathLike[str] | IO[str] | IO[bytes]
T = TypeVar("T")


@dataclass(frozen=True)
class RowError:
    """One problem in an import file. `column` is None for problems with a whole line."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column is None:
            return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return _("line %(line)d, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportResult:
    """What an import did, or with `dry_run` what it would do. With errors nothing is written
    and the counts stay zero."""

    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, line: int, column: str | None, message: str) -> None:
        self.errors.append(RowError(line, column, message))

    def sort_errors(self) -> None:
        """Order by line; within a line errors keep the order they were found (column order
        first, then checks across rows)."""
        self.errors.sort(key=lambda error: error.line)

    def summary(self) -> str:
        counts = {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}
        if self.dry_run:
            return (
                _(
                    "Dry run, nothing written: %(created)d to create, %(updated)d to update, "
                    "%(unchanged)d unchanged."
                )
                % counts
            )
        return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % counts


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    values: Mapping[str, str]
    # Columns whose cell held characters that cannot be stored; the error is reported
    # already and the value has them removed, so checks on the row add no second error.
    unstorable: frozenset[str] = frozenset()

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def __contains__(self, column: str) -> bool:
        """Whether the file has this column (an optional column may be left out)."""
        return column in self.values


# Size ------------------------------------------------------------------------------------------


def csv_import_check_size(*, size: int) -> None:
    """Refuse a file larger than `CSV_IMPORT_MAX_BYTES`, for the admin upload and the command
    line alike (ValidationError with code "too_large")."""
    limit = settings.CSV_IMPORT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("This file is larger than %(max)s; split it into smaller files.")
            % {"max": filesizeformat(limit)},
            code="too_large",
        )


# Columns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an exchange format, declared once per format (organisations/exchange.py,
    challenges/exchange.py) and read by the import, the export, the command's help, the
    admin's column list and the example file's test."""

    name: str
    help: str | Promise
    # The values a cell may hold, as (value, label) pairs, for the admin's column list.
    values: Callable[[], Sequence[tuple[str, str]]] | None = None
    # Added later: a file without it still imports, and leaves that field as it is.
    optional: bool = False


def column_names(columns: Sequence[Column]) -> tuple[str, ...]:
    return tuple(column.name for column in columns)


def reference_labels(model, key: str = "slug") -> Callable[[], list[tuple[str, str]]]:
    """A column's allowed values: the reference rows' keys with their labels, read when the
    page is shown so a renamed topic shows at once."""
    return lambda: [(getattr(item, key), item.name) for item in model.objects.order_by(key)]


REF_HELP = gettext_lazy(
    "Your key for the row. Importing the same ref again updates that row; it never adds a "
    "second one. Required."
)
PROVINCE_HELP = gettext_lazy("Province code, such as NL-ZH.")
SECTORS_HELP = gettext_lazy("Sectors, separated by “;”. May be empty.")
FORMATS_HELP = gettext_lazy("Forms of collaboration, separated by “;”. May be empty.")


# Reading -------------------------------------------------------------------------------------


def read_rows(
    source: CsvSource,
    *,
    columns: Sequence[Column],
    result: ImportResult,
) -> Iterator[CsvRow]:
    """The data rows of a CSV file whose header holds exactly `columns` (in any order), one
    at a time: the file is never held in memory as a whole. Optional columns may be left
    out (files from before they existed keep working); a row then has no such key.

    `source` is a path, a text stream, or a binary stream such as an uploaded file. Cells are
    stripped; rows with only empty cells (spreadsheets leave them behind) are skipped. Problems
    go to `result`: a cell holding what PostgreSQL cannot store (a NUL character, bytes that
    are not UTF-8) is an error with its line and column. When the header is unusable no rows
    come, and reading stops at a line that is not valid CSV.
    """
    with _text_stream(source) as text:
        reader = csv.reader(text, strict=True)
        try:
            raw_header = next(reader, [])
        except csv.Error as exc:
            result.add_error(HEADER_LINE, None, _unreadable(exc))
            return
        if raw_header:
            raw_header[0] = raw_header[0].removeprefix("\ufeff")  # a BOM in a text stream
        if not _header_is_storable(raw_header, result):
            return
        header = [name.strip() for name in raw_header]
        optional = [column.name for column in columns if column.optional]
        if not _header_is_valid(header, column_names(columns), result, optional=optional):
            return

        end_of_previous = reader.line_num
        while True:
            line = end_of_previous + 1  # where this record starts: quoted cells can span lines
            try:
                values = next(reader, None)
            except csv.Error as exc:
                result.add_error(line, None, _unreadable(exc))
                return
            if values is None:
                return
            end_of_previous = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                result.add_error(
                    line,
                    None,
                    _("this row has %(found)d values, the header has %(expected)d columns")
                    % {"found": len(values), "expected": len(header)},
                )
                continue
            unstorable = frozenset()
            if UNSTORABLE.search("".join(values)):
                unstorable = _report_unstorable(line, header, values, result)
                values = [UNSTORABLE.sub("", value) for value in values]
            yield CsvRow(
                line,
                {
                    name: unprotect_cell(value.strip())
                    for name, value in zip(header, values, strict=True)
                },
                unstorable,
            )


@contextlib.contextmanager
def _text_stream(source: CsvSource) -> Iterator[IO[str]]:
    """`source` as text, decoded as it is read. Bytes that are not UTF-8 become surrogates
    ("surrogateescape"), so that a bad byte is reported in its cell rather than stopping the
    whole file; the byte-order mark Excel writes is dropped."""
    options = {"encoding": "utf-8-sig", "errors": "surrogateescape", "newline": ""}
    if isinstance(source, str | os.PathLike):
        with open(source, **options) as file:
            yield file
    elif isinstance(source.read(0), str):
        yield source
    else:
        text = io.TextIOWrapper(source, **options)
        try:
            yield text
        finally:
            text.detach()  # the caller's stream stays open


def _unstorable_message(value: str) -> str:
    if SURROGATE.search(value):
        return _("the file is not UTF-8 text; save it from the spreadsheet as “CSV UTF-8”")
    return _("this cell contains a NUL character (a zero byte), which cannot be stored; remove it")


def _report_unstorable(
    line: int, header: Sequence[str], values: Sequence[str], result: ImportResult
) -> frozenset[str]:
    columns = set()
    for name, value in zip(header, values, strict=True):
        if UNSTORABLE.search(value):
            result.add_error(line, name, _unstorable_message(value))
            columns.add(name)
    return frozenset(columns)


def _header_is_storable(header: Sequence[str], result: ImportResult) -> bool:
    """The header names, checked as cells are: the column is named with the bad characters
    left out (a name made only of them leaves the column unnamed)."""
    storable = True
    for name in header:
        if UNSTORABLE.search(name):
            result.add_error(
                HEADER_LINE, UNSTORABLE.sub("", name).strip() or None, _unstorable_message(name)
            )
            storable = False
    return storable


def in_chunks(items: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """`items` in lists of `size` (default `IMPORT_CHUNK_ROWS`; the last one shorter),
    consumed lazily."""
    size = size or IMPORT_CHUNK_ROWS
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _unreadable(exc: csv.Error) -> str:
    return _("this line is not valid CSV (%(problem)s); check the quotes") % {"problem": exc}


def _header_is_valid(
    header: list[str], columns: Sequence[str], result: ImportResult, *, optional=()
) -> bool:
    errors_before = len(result.errors)
    if not any(header):
        result.add_error(HEADER_LINE, None, _("the header row is missing"))
        return False
    if len(header) == 1 and LIST_SEPARATOR in header[0]:
        result.add_error(
            HEADER_LINE,
            None,
            _("the columns are separated by “;”; save the file as CSV with commas between columns"),
        )
        return False
    seen = set()
    for name in header:
        if name in seen:
            result.add_error(
                HEADER_LINE, name, _("column '%(name)s' appears more than once") % {"name": name}
            )
        elif name not in columns:
            result.add_error(
                HEADER_LINE,
                name,
                _("unknown column '%(name)s'; the columns are: %(columns)s")
                % {"name": name, "columns": ",".join(columns)},
            )
        seen.add(name)
    for name in columns:
        if name not in seen and name not in optional:
            result.add_error(HEADER_LINE, name, _("missing column '%(name)s'") % {"name": name})
    return len(result.errors) == errors_before


class RowReader:
    """Typed access to the cells of one row. A bad cell records an error on the result and
    gives None, so a row is checked completely and every problem in it is reported."""

    def __init__(self, row: CsvRow, result: ImportResult):
        self.row = row
        self.result = result
        self.ok = True

    def error(self, column: str | None, message: str) -> None:
        self.ok = False
        self.result.add_error(self.row.line, column, message)

    def cell(self, column: str) -> str | None:
        """The cell's text; None for a cell whose unstorable characters were reported while
        reading, so that no check adds a second error about the same cell."""
        if column in self.row.unstorable:
            self.ok = False
            return None
        return self.row[column]

    def text(self, column: str, *, max_length: int | None, required: bool = False) -> str | None:
        value = self.cell(column)
        if value is None:
            return None
        if required and not value:
            self.error(column, _("a value is required"))
            return None
        if max_length is not None and len(value) > max_length:
            self.error(
                column,
                _("too long: %(length)d characters where at most %(max)d fit")
                % {"length": len(value), "max": max_length},
            )
            return None
        return value

    def one_of(
        self,
        column: str,
        choices: Mapping[str, T],
        *,
        unknown: str,
        normalise: Callable[[str], str] = str.lower,
        required: bool = True,
    ) -> T | None:
        """The choice named by the cell; `unknown` is a message with `%(value)s`."""
        value = self.cell(column)
        if value is None:
            return None
        if not value:
            if required:
                self.error(column, _("a value is required"))
            return None
        choice = choices.get(normalise(value))
        if choice is None:
            self.error(column, unknown % {"value": value})
        return choice

    def many_of(
        self,
        column: str,
        choices: Mapping[str, T],
        *,
        unknown: str,
        required: str | None = None,
        normalise: Callable[[str], str] = str.lower,
    ) -> set[T] | None:
        """The choices named in a `;`-separated cell. `required` is the message for an empty
        cell when one is needed."""
        value = self.cell(column)
        if value is None:
            return None
        found: set[T] = set()
        missing = []
        for item in split_list(value):
            choice = choices.get(normalise(item))
            if choice is None:
                missing.append(item)
            else:
                found.add(choice)
        for item in missing:
            self.error(column, unknown % {"value": item})
        if required and not found and not missing:
            self.error(column, required)
        return None if missing else found

    def integer(self, column: str, *, minimum: int = 0, maximum: int, default: int) -> int | None:
        value = self.cell(column)
        if value is None:
            return None
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            number = None
        if number is None or not minimum <= number <= maximum:
            self.error(
                column,
                _("'%(value)s' is not a whole number from %(min)d to %(max)d")
                % {"value": value, "min": minimum, "max": maximum},
            )
            return None
        return number

    def boolean(self, column: str) -> bool | None:
        cell = self.cell(column)
        if cell is None:
            return None
        value = cell.lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.error(
            column,
            _("'%(value)s' is not a yes/no value; use true, false, yes, no, ja, nee, 1 or 0")
            % {"value": cell},
        )
        return None

    def url(self, column: str, *, max_length: int) -> str | None:
        """A web address; one without a scheme ("www.example.nl") gets https://, as in forms."""
        value = self.cell(column)
        if value is None:
            return None
        if not value:
            return ""
        address = value if "://" in value else f"https://{value}"
        try:
            URLValidator(schemes=URL_SCHEMES)(address)
        except ValidationError:
            self.error(column, _("'%(value)s' is not a web address") % {"value": value})
            return None
        if len(address) > max_length:
            self.error(
                column,
                _("too long: %(length)d characters where at most %(max)d fit")
                % {"length": len(address), "max": max_length},
            )
            return None
        return address


def split_list(value: str) -> list[str]:
    """The items of a `;`-separated cell, stripped, without empty items or repeats."""
    return list(dict.fromkeys(item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()))


class FirstLines:
    """The line where each key (a ref) first appears in a file, fed row by row; a repeat is
    reported where it appears. Empty keys are reported elsewhere."""

    def __init__(self, column: str):
        self.column = column
        self.lines: dict[str, int] = {}

    def add(self, line: int, key: str, result: ImportResult) -> None:
        if not key:
            return
        first = self.lines.setdefault(key, line)
        if first != line:
            result.add_error(
                line,
                self.column,
                _("'%(value)s' is already used on line %(line)d") % {"value": key, "line": first},
            )

    def __contains__(self, key: str) -> bool:
        return key in self.lines


# Refs ------------------------------------------------------------------------------------------


def synthetic_ref(prefix: str, pk: int) -> str:
    """The ref an export gives a row that has none. It names the row in this database only."""
    return f"{prefix}-{pk}"


def synthetic_pk(prefix: str, ref: str) -> int | None:
    match = re.fullmatch(rf"{re.escape(prefix)}-(\d+)", ref)
    return int(match[1]) if match else None


def refs_filter(prefix: str, refs: Iterable[str]) -> models.Q:
    """Rows named by `refs`: by stored ref, or by the synthetic ref an export gave a row
    without one, so that exporting and importing again updates those rows in place."""
    refs = set(refs)
    pks = {pk for ref in refs if (pk := synthetic_pk(prefix, ref)) is not None}
    return models.Q(ref__in=refs) | models.Q(ref__isnull=True, pk__in=pks)


def ref_or_synthetic(prefix: str, ref: str | None, pk: int) -> str:
    return ref or synthetic_ref(prefix, pk)


def index_by_ref(
    prefix: str, items: Iterable[T], *, ref: Callable[[T], str | None], pk: Callable[[T], int]
) -> dict[str, T]:
    """Items keyed by their ref, the ones without by their synthetic ref (a stored ref wins
    if both spell the same)."""
    items = list(items)
    index = {synthetic_ref(prefix, pk(item)): item for item in items if not ref(item)}
    index.update({ref(item): item for item in items if ref(item)})
    return index


# Writing ------------------------------------------------------------------------------------


def write_rows(
    out: IO[str], *, columns: Sequence[Column], rows: Iterable[Mapping[str, str]]
) -> int:
    """Write a header and rows; returns the number of rows."""
    columns = column_names(columns)
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({column: protect_cell(row[column]) for column in columns})
        count += 1
    return count


def join_list(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(sorted(items))


def format_boolean(value: bool) -> str:
    return "true" if value else "false"


def _looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_START) or (
        value.startswith("'") and _looks_like_formula(value[1:])
    )


def protect_cell(value: str) -> str:
    """Prefix an apostrophe to a cell Excel would run as a formula (CSV injection).
    `unprotect_cell` undoes it exactly, so an export imports back to the same text."""
    return f"'{value}" if _looks_like_formula(value) else value


def unprotect_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and _looks_like_formula(value[1:]) else value


def many_to_many_replace(
    model: type[models.Model], field_name: str, wanted: Mapping[int, Iterable[int]]
) -> None:
    """Set a many-to-many field for many rows at once: `wanted` maps a row's pk to the pks it
    should point to. Two queries, however many rows (no m2m_changed signals are sent)."""
    if not wanted:
        return
    relation = model._meta.get_field(field_name)
    through = relation.remote_field.through
    source = f"{relation.m2m_field_name()}_id"
    target = f"{relation.m2m_reverse_field_name()}_id"
    through.objects.filter(**{f"{source}__in": list(wanted)}).delete()
    through.objects.bulk_create(
        through(**{source: owner, target: related})
        for owner, related_pks in wanted.items()
        for related in related_pks
    )


def max_length(model: type[models.Model], field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


# Management commands ---------------------------------------------------------------------------


class ImportCommand(BaseCommand):
    """`manage.py import_<things> FILE [--dry-run]`: print every error on stderr and exit 1,
    or print the counts."""

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="CSV file (UTF-8, comma-separated, header row)")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and report, write nothing"
        )

    def run_import(self, *, file: str, dry_run: bool) -> ImportResult:
        raise NotImplementedError

    def handle(self, *args: Any, file: str, dry_run: bool, **options: Any) -> None:
        if not os.path.isfile(file):
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        try:
            csv_import_check_size(size=os.path.getsize(file))
        except ValidationError as exc:
            raise CommandError(
                _("%(problem)s Nothing was imported; the limit is the setting %(setting)s.")
                % {"problem": exc.messages[0], "setting": "CSV_IMPORT_MAX_BYTES"}
            ) from exc
        result = self.run_import(file=file, dry_run=dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                ngettext(
                    "%(count)d error; nothing was imported.",
                    "%(count)d errors; nothing was imported.",
                    len(result.errors),
                )
                % {"count": len(result.errors)}
            )
        self.stdout.write(result.summary())


class ExportCommand(BaseCommand):
    """`manage.py export_<things> [FILE]`: CSV on stdout, or in FILE with a byte-order mark so
    that Excel shows accented letters correctly."""

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="where to write (default: standard output)")

    def run_export(self, *, out: IO[str]) -> int:
        raise NotImplementedError

    def handle(self, *args: Any, file: str | None, **options: Any) -> None:
        if file is None:
            self.run_export(out=self.stdout)
            return
        with open(file, "w", encoding="utf-8-sig", newline="") as out:
            count = self.run_export(out=out)
        self.stdout.write(
            ngettext("Wrote %(count)d row to %(file)s.", "Wrote %(count)d rows to %(file)s.", count)
            % {"count": count, "file": file}
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
