"""Spreadsheet exchange (PRODUCT.md section 6): the CSV reading, checking and writing that the
organisation and challenge imports share.

An import reads the whole file and checks every row before anything is written, collecting
*all* problems, so a hub coordinator can fix a spreadsheet in one go instead of one error per
run. Each problem names the physical line in the file (header = line 1) and the column, which
is what a spreadsheet user can find.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LIST_SEPARATOR = ";"
HEADER_LINE = 1
TRUE_WORDS = frozenset({"true", "yes", "ja", "1", "waar"})
FALSE_WORDS = frozenset({"false", "no", "nee", "0", "onwaar", ""})
# A cell starting with one of these is run as a formula by Excel; exports defuse it (see
# `protect_cell`) because titles and descriptions are typed by anyone who signs up.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
URL_SCHEMES = ["http", "https"]

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


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: Mapping[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column]


# Reading -------------------------------------------------------------------------------------


def read_rows(source: CsvSource, *, columns: Sequence[str], result: ImportResult) -> list[CsvRow]:
    """The data rows of a CSV file whose header holds exactly `columns` (in any order).

    `source` is a path, a text stream, or a binary stream such as an uploaded file. Cells are
    stripped; rows with only empty cells (spreadsheets leave them behind) are skipped. Problems
    go to `result`; when the file or its header is unusable no rows are returned.
    """
    text = _read_text(source, result)
    if text is None:
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as exc:
        result.add_error(HEADER_LINE, None, _unreadable(exc))
        return []
    if not _header_is_valid(header, columns, result):
        return []

    rows = []
    end_of_previous = reader.line_num
    while True:
        line = end_of_previous + 1  # where this record starts: quoted cells can span lines
        try:
            values = next(reader, None)
        except csv.Error as exc:
            result.add_error(line, None, _unreadable(exc))
            return []
        if values is None:
            return rows
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
        rows.append(
            CsvRow(
                line,
                {
                    name: unprotect_cell(value.strip())
                    for name, value in zip(header, values, strict=True)
                },
            )
        )


def _read_text(source: CsvSource, result: ImportResult) -> str | None:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as file:
            data: str | bytes = file.read()
    else:
        data = source.read()
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            result.add_error(
                data[: exc.start].count(b"\n") + 1,
                None,
                _("the file is not UTF-8 text; save it from the spreadsheet as “CSV UTF-8”"),
            )
            return None
    return data.removeprefix("\ufeff")  # the byte-order mark Excel writes


def _unreadable(exc: csv.Error) -> str:
    return _("this line is not valid CSV (%(problem)s); check the quotes") % {"problem": exc}


def _header_is_valid(header: list[str], columns: Sequence[str], result: ImportResult) -> bool:
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
        if name not in seen:
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

    def text(self, column: str, *, max_length: int | None, required: bool = False) -> str | None:
        value = self.row[column]
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
        value = self.row[column]
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
        found: set[T] = set()
        missing = []
        for item in split_list(self.row[column]):
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
        value = self.row[column]
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
        value = self.row[column].lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.error(
            column,
            _("'%(value)s' is not a yes/no value; use true, false, yes, no, ja, nee, 1 or 0")
            % {"value": self.row[column]},
        )
        return None

    def url(self, column: str, *, max_length: int) -> str | None:
        """A web address; one without a scheme ("www.example.nl") gets https://, as in forms."""
        value = self.row[column]
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


def find_duplicates(rows: Iterable[tuple[int, str]], *, column: str, result: ImportResult) -> None:
    """Report every repeat of a key in (line, key) pairs; empty keys are reported elsewhere."""
    first_line: dict[str, int] = {}
    for line, key in rows:
        if not key:
            continue
        if key in first_line:
            result.add_error(
                line,
                column,
                _("'%(value)s' is already used on line %(line)d")
                % {"value": key, "line": first_line[key]},
            )
        else:
            first_line[key] = line


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


def write_rows(out: IO[str], *, columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> int:
    """Write a header and rows; returns the number of rows."""
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
