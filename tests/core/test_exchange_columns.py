"""Each CSV format declares its columns once (issue 11): the import reads them, the export
writes them, the command's help and the admin's column list show them, and the example file
offered for download has exactly them."""

import csv
import importlib
import io

import pytest

from apps.challenges.admin_exchange import CHALLENGES_CSV
from apps.challenges.exchange import COLUMNS as CHALLENGE_COLUMNS
from apps.core.admin_exchange import EXAMPLES_DIR
from apps.core.csv_exchange import column_names
from apps.organisations.admin_exchange import ORGANISATIONS_CSV
from apps.organisations.exchange import COLUMNS as ORGANISATION_COLUMNS

FORMATS = [
    pytest.param(ORGANISATIONS_CSV, ORGANISATION_COLUMNS, id="organisations"),
    pytest.param(CHALLENGES_CSV, CHALLENGE_COLUMNS, id="challenges"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("exchange", "columns"), FORMATS)
def test_a_format_s_columns_are_declared_once_and_read_everywhere(exchange, columns):
    names = column_names(columns)
    assert exchange.columns is columns  # the admin's column list

    with (EXAMPLES_DIR / exchange.example).open(encoding="utf-8") as example:
        assert tuple(next(csv.reader(example))) == names

    out = io.StringIO()
    exchange.export(out=out, queryset=exchange.model.objects.none())
    assert tuple(next(csv.reader(io.StringIO(out.getvalue())))) == names

    command = importlib.import_module(
        f"apps.{exchange.file_stem}.management.commands.{exchange.command}"
    ).Command
    assert ",".join(names) in command.help
    assert all(str(column.help) for column in columns)
