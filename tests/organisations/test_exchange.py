import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.audit.models import AuditEvent
from apps.core.csv_exchange import protect_cell, unprotect_cell
from apps.organisations.exchange import organisations_export, organisations_import
from apps.organisations.models import Organisation
from tests.csv_helpers import messages, slugs, write_csv
from tests.organisations.factories import OrganisationFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
EXAMPLES = BASE_DIR / "docs" / "examples"
# The columns of files from before `description` existed: they still import.
HEADER = (
    "ref,name,kind,province,topics,sectors,formats,capacity,serves_nationally,website,parent_ref"
)
FULL_HEADER = HEADER + ",description"
ALL_COLUMNS = FULL_HEADER + ",kvk"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text, whatever the catalogue holds."""
    with translation.override("en"):
        yield


def export_text(**kwargs):
    out = io.StringIO()
    organisations_export(out=out, **kwargs)
    return out.getvalue()


def test_a_good_file_imports_every_field(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        "hs-west,Hogeschool Westland,hbo,NL-ZH,ml;visual-inspection,agrifood;energy,"
        "student-project;training,4,ja,https://www.hs-west.example,",
        "kweker,Kwekerij De Vries,SME,nl-zh,,,,,,kweker.example,hs-west",
    )

    result = organisations_import(file=path)

    assert result.ok, messages(result)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    school = Organisation.objects.get(ref="hs-west")
    assert school.name == "Hogeschool Westland"
    assert school.slug == "hogeschool-westland"
    assert school.kind.slug == "hbo"
    assert school.province.code == "NL-ZH"
    assert slugs(school.topics) == ["ml", "visual-inspection"]
    assert slugs(school.sectors) == ["agrifood", "energy"]
    assert slugs(school.formats) == ["student-project", "training"]
    assert school.capacity == 4
    assert school.serves_nationally is True
    assert school.website == "https://www.hs-west.example"
    assert school.parent is None
    grower = Organisation.objects.get(ref="kweker")
    assert grower.kind.slug == "sme"
    assert grower.province.code == "NL-ZH"
    assert grower.capacity == 0
    assert grower.serves_nationally is False
    assert grower.website == "https://kweker.example"  # a web address without scheme
    assert grower.parent == school
    assert not grower.topics.exists()


def test_a_file_with_bad_rows_writes_nothing_and_reports_every_error(tmp_path):
    OrganisationFactory(ref="existing")
    path = write_csv(
        tmp_path,
        HEADER,
        "ok-1,Goede Organisatie,sme,NL-ZH,ml,,,1,false,,",
        "bad-1,,hbo,NL-XX,ml;quantum,,,-1,misschien,,",
        "ok-1,Dubbele Ref,sme,NL-UT,,,,,,,",
        f"bad-2,{'x' * 201},robot,NL-UT,,nope,circus,twee,true,http://,ghost",
    )

    result = organisations_import(file=path)

    assert messages(result) == [
        "line 3, column name: a value is required",
        "line 3, column province: unknown province 'NL-XX'",
        "line 3, column capacity: '-1' is not a whole number from 0 to 2147483647",
        "line 3, column serves_nationally: 'misschien' is not a yes/no value; "
        "use true, false, yes, no, ja, nee, 1 or 0",
        "line 3, column topics: unknown topic 'quantum'",
        "line 4, column ref: 'ok-1' is already used on line 2",
        "line 5, column name: too long: 201 characters where at most 200 fit",
        "line 5, column kind: unknown organisation kind 'robot'",
        "line 5, column capacity: 'twee' is not a whole number from 0 to 2147483647",
        "line 5, column website: 'http://' is not a web address",
        "line 5, column sectors: unknown sector 'nope'",
        "line 5, column formats: unknown format 'circus'",
        "line 5, column parent_ref: unknown organisation 'ghost': "
        "not in this file nor in the database",
    ]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert list(Organisation.objects.values_list("ref", flat=True)) == ["existing"]


def test_header_must_hold_exactly_the_columns(tmp_path):
    path = write_csv(
        tmp_path,
        "ref,naam,kind,province,topics,sectors,formats,capacity,serves_nationally,website,"
        "parent_ref,notes,ref",
        "a,A,sme,NL-ZH,,,,,,,,,",
    )

    result = organisations_import(file=path)

    assert messages(result) == [
        "line 1, column naam: unknown column 'naam'; the columns are: " + ALL_COLUMNS,
        "line 1, column notes: unknown column 'notes'; the columns are: " + ALL_COLUMNS,
        "line 1, column ref: column 'ref' appears more than once",
        "line 1, column name: missing column 'name'",
    ]


def test_columns_may_come_in_any_order(tmp_path):
    columns = HEADER.split(",")
    path = write_csv(tmp_path, ",".join(reversed(columns)), ",,,,,,,NL-GR,sme,Melkveebedrijf,mvb")

    result = organisations_import(file=path)

    assert result.ok, messages(result)
    assert Organisation.objects.get(ref="mvb").province.code == "NL-GR"


def test_a_file_separated_by_semicolons_gets_a_helpful_error(tmp_path):
    path = write_csv(tmp_path, HEADER.replace(",", ";"), "a;A;sme;NL-ZH;;;;;;;")

    result = organisations_import(file=path)

    assert messages(result) == [
        "line 1: the columns are separated by “;”; save the file as CSV with commas between columns"
    ]


def test_rows_with_the_wrong_number_of_values_are_reported(tmp_path):
    path = write_csv(tmp_path, HEADER, "a,A,sme,NL-ZH", "b,B,sme,NL-XX,,,,,,,")

    result = organisations_import(file=path)

    assert messages(result) == [
        "line 2: this row has 4 values, the header has 11 columns",
        "line 3, column province: unknown province 'NL-XX'",
    ]


def test_a_multiline_cell_keeps_the_line_numbers_of_later_rows(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        'a,"Naam over',
        'twee regels",sme,NL-ZH,,,,,,,',
        "",
        "b,B,sme,NL-XX,,,,,,,",
    )

    result = organisations_import(file=path)

    assert messages(result) == ["line 5, column province: unknown province 'NL-XX'"]


def test_an_unclosed_quote_is_reported_where_the_record_starts(tmp_path):
    path = write_csv(tmp_path, HEADER, "a,A,sme,NL-ZH,,,,,,,", 'b,"B,sme,NL-ZH,,,,,,,')

    result = organisations_import(file=path)

    assert messages(result) == [
        "line 3: this line is not valid CSV (unexpected end of data); check the quotes"
    ]


def test_a_file_that_is_not_utf8_is_refused_with_its_line_and_column(tmp_path):
    path = write_csv(tmp_path, HEADER, "a,Zuivelcoöperatie,sme,NL-FR,,,,,,,", encoding="latin-1")

    result = organisations_import(file=path)

    assert messages(result) == [
        "line 2, column name: the file is not UTF-8 text; save it from the spreadsheet as "
        "“CSV UTF-8”"
    ]
    assert not Organisation.objects.filter(ref="a").exists()


NUL_MESSAGE = "this cell contains a NUL character (a zero byte), which cannot be stored; remove it"
NOT_UTF8_MESSAGE = "the file is not UTF-8 text; save it from the spreadsheet as “CSV UTF-8”"


def write_bytes(tmp_path, *lines: bytes, name="import.csv"):
    path = tmp_path / name
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return path


def test_a_nul_character_is_an_error_in_its_cell_and_nothing_is_written(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        "a,Goed,sme,NL-ZH,,,,,,,",
        "b,Kapot\x00,sme,NL-Z\x00H,,,,,,,",
        "c,Ook goed,sme,NL-ZH,,,,,,,",
    )

    result = organisations_import(file=path)

    assert messages(result) == [
        f"line 3, column name: {NUL_MESSAGE}",
        f"line 3, column province: {NUL_MESSAGE}",
    ]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert not Organisation.objects.exists()


def test_a_nul_character_in_the_header_is_an_error_on_line_1():
    header = HEADER.replace("kind", "ki\x00nd")

    result = organisations_import(file=io.StringIO(f"{header}\r\na,A,sme,NL-ZH,,,,,,,\r\n"))

    assert messages(result) == [f"line 1, column kind: {NUL_MESSAGE}"]
    assert not Organisation.objects.exists()


def test_a_lone_surrogate_in_a_text_stream_is_an_error_not_a_crash():
    text = f"{HEADER}\r\na,A\ud800,sme,NL-ZH,,,,,,,\r\n"

    result = organisations_import(file=io.StringIO(text))

    assert messages(result) == [f"line 2, column name: {NOT_UTF8_MESSAGE}"]
    assert not Organisation.objects.exists()


def test_bytes_that_are_not_utf8_are_reported_in_their_cell_of_a_later_row(tmp_path):
    path = write_bytes(
        tmp_path,
        HEADER.encode(),
        "a,Zuivelcoöperatie,sme,NL-FR,,,,,,,".encode(),
        b"b,B,sme,NL-FR,,,,,,www.b\xff.example,",
    )

    result = organisations_import(file=path)

    assert messages(result) == [f"line 3, column website: {NOT_UTF8_MESSAGE}"]
    assert not Organisation.objects.exists()


def test_an_error_after_the_first_chunk_rolls_back_the_chunks_already_written(
    tmp_path, monkeypatch
):
    monkeypatch.setattr("apps.core.csv_exchange.IMPORT_CHUNK_ROWS", 2)
    rows = [f"r{n},Organisatie {n},sme,NL-ZH,ml,,,1,false,," for n in range(4)]
    path = write_csv(tmp_path, HEADER, *rows, "r4,Laatste,sme,NL-XX,ml,,,1,false,,")

    result = organisations_import(file=path)

    assert messages(result) == ["line 6, column province: unknown province 'NL-XX'"]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_long_file_is_imported_chunk_by_chunk_with_parents_further_down(tmp_path, monkeypatch):
    monkeypatch.setattr("apps.core.csv_exchange.IMPORT_CHUNK_ROWS", 2)
    rows = [f"r{n},Organisatie {n},sme,NL-ZH,ml,,,1,false,,r{n + 1}" for n in range(4)]
    path = write_csv(tmp_path, HEADER, *rows, "r4,Laatste,sme,NL-ZH,ml,,,1,false,,")

    result = organisations_import(file=path)

    assert result.ok, messages(result)
    assert result.created == 5
    parents = dict(Organisation.objects.values_list("ref", "parent__ref"))
    assert parents == {"r0": "r1", "r1": "r2", "r2": "r3", "r3": "r4", "r4": None}
    assert organisations_import(file=path).unchanged == 5


def test_the_byte_order_mark_excel_writes_is_accepted(tmp_path):
    path = write_csv(tmp_path, HEADER, "a,Café Zuid,sme,NL-ZH,,,,,,,", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    result = organisations_import(file=path)

    assert result.ok, messages(result)
    assert Organisation.objects.get(ref="a").name == "Café Zuid"


def test_a_text_stream_and_an_uploaded_binary_stream_are_read_too():
    text = f"{HEADER}\r\na,A,sme,NL-ZH,,,,,,,\r\n"

    assert organisations_import(file=io.StringIO(text), dry_run=True).created == 1
    assert organisations_import(file=io.BytesIO(b"\xef\xbb\xbf" + text.encode())).created == 1


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("ja", True), ("NEE", False), ("Yes", True), ("0", False), ("1", True), ("WAAR", True)],
)
def test_booleans_in_english_and_dutch(tmp_path, cell, expected):
    path = write_csv(tmp_path, HEADER, f"a,A,hbo,NL-ZH,ml,,,1,{cell},,")

    assert organisations_import(file=path).ok

    assert Organisation.objects.get(ref="a").serves_nationally is expected


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        "lab,Innovatielab Delta,innovation-lab,NL-ZE,decision;edge-ai,energy,hackathon,3,true,,",
        "lect,Lectoraat Data,lectorate,NL-ZE,ml,,,1,false,,lab",
    )
    first = organisations_import(file=path)
    before = {o.pk: (o.updated_at, o.slug) for o in Organisation.objects.all()}

    second = organisations_import(file=path)

    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert {o.pk: (o.updated_at, o.slug) for o in Organisation.objects.all()} == before


def test_reimporting_a_ref_updates_the_row_and_keeps_its_slug(tmp_path):
    parent = OrganisationFactory(ref="hs")
    organisations_import(
        file=write_csv(tmp_path, HEADER, "lab,Innovatielab Delta,innovation-lab,NL-ZE,ml,,,3,,,")
    )
    lab = Organisation.objects.get(ref="lab")

    result = organisations_import(
        file=write_csv(
            tmp_path,
            HEADER,
            "lab,Innovatielab Zeeland,hbo,NL-NB,vision;nlp,energy,training,5,true,lab.example,hs",
        )
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    lab.refresh_from_db()
    assert Organisation.objects.filter(ref="lab").count() == 1
    assert lab.name == "Innovatielab Zeeland"
    assert lab.slug == "innovatielab-delta"
    assert lab.kind.slug == "hbo"
    assert lab.province.code == "NL-NB"
    assert slugs(lab.topics) == ["nlp", "vision"]
    assert slugs(lab.sectors) == ["energy"]
    assert slugs(lab.formats) == ["training"]
    assert lab.capacity == 5
    assert lab.serves_nationally is True
    assert lab.website == "https://lab.example"
    assert lab.parent == parent


def test_new_organisations_with_the_same_name_get_distinct_slugs(tmp_path):
    OrganisationFactory(name="Kwekerij", slug="kwekerij")
    path = write_csv(tmp_path, HEADER, "a,Kwekerij,sme,NL-ZH,,,,,,,", "b,Kwekerij,sme,NL-ZH,,,,,,,")

    assert organisations_import(file=path).ok

    assert sorted(
        Organisation.objects.filter(ref__in=["a", "b"]).values_list("slug", flat=True)
    ) == [
        "kwekerij-2",
        "kwekerij-3",
    ]


def test_parent_ref_may_point_to_a_row_further_down_the_file(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        "lect,Lectoraat Beeldherkenning,lectorate,NL-ZH,vision,,,1,,,hs",
        "hs,Hogeschool Westland,hbo,NL-ZH,ml,,,1,,,",
    )

    result = organisations_import(file=path)

    assert result.ok, messages(result)
    assert Organisation.objects.get(ref="lect").parent == Organisation.objects.get(ref="hs")


def test_parent_ref_may_point_to_an_organisation_in_the_database(tmp_path):
    school = OrganisationFactory(ref="hs", kind_slug="hbo")
    path = write_csv(tmp_path, HEADER, "lect,Lectoraat,lectorate,NL-ZH,ml,,,1,,,hs")

    assert organisations_import(file=path).ok

    assert Organisation.objects.get(ref="lect").parent == school


def test_a_parent_cycle_is_reported_on_every_row_in_it(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        "a,A,hbo,NL-ZH,ml,,,1,,,b",
        "b,B,hbo,NL-ZH,ml,,,1,,,a",
        "c,C,hbo,NL-ZH,ml,,,1,,,c",
        "d,D,hbo,NL-ZH,ml,,,1,,,a",
    )

    result = organisations_import(file=path)

    assert messages(result) == [
        "line 2, column parent_ref: parent_ref makes a cycle: a → b → a",
        "line 3, column parent_ref: parent_ref makes a cycle: b → a → b",
        "line 4, column parent_ref: parent_ref makes a cycle: c → c",
    ]
    assert not Organisation.objects.exists()


def test_a_cycle_through_the_database_is_reported(tmp_path):
    school = OrganisationFactory(ref="hs", kind_slug="hbo")
    OrganisationFactory(ref="lect", kind_slug="lectorate", parent=school)
    path = write_csv(tmp_path, HEADER, "hs,Hogeschool,hbo,NL-ZH,ml,,,1,,,lect")

    result = organisations_import(file=path)

    assert messages(result) == [
        "line 2, column parent_ref: parent_ref makes a cycle: hs → lect → hs"
    ]


def test_clearing_parent_ref_detaches_the_organisation(tmp_path):
    school = OrganisationFactory(ref="hs", kind_slug="hbo")
    lect = OrganisationFactory(
        ref="lect", kind_slug="lectorate", province_code="NL-ZH", parent=school
    )
    path = write_csv(tmp_path, HEADER, f"lect,{lect.name},lectorate,NL-ZH,ml,,,2,false,,")

    result = organisations_import(file=path)

    assert (result.updated, result.unchanged) == (1, 0)
    lect.refresh_from_db()
    assert lect.parent is None


def test_dry_run_counts_and_writes_nothing(tmp_path):
    OrganisationFactory(ref="a", name="Oud")
    path = write_csv(tmp_path, HEADER, "a,Nieuw,sme,NL-ZH,,,,2,,,", "b,B,sme,NL-ZH,,,,,,,")

    result = organisations_import(file=path, dry_run=True)

    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert Organisation.objects.get(ref="a").name == "Oud"
    assert not Organisation.objects.filter(ref="b").exists()


def test_export_then_import_round_trips_to_the_same_state():
    school = OrganisationFactory(
        ref="hs",
        name="Hogeschool Zeeland",
        kind_slug="hbo",
        province_code="NL-ZE",
        topics=["ml", "visual-inspection"],
        website="https://hz.example",
        serves_nationally=True,
    )
    OrganisationFactory(
        ref=None,
        name="Lectoraat Coöperatief Ïnnoveren",
        kind_slug="lectorate",
        province_code="NL-ZE",
        parent=school,
    )
    OrganisationFactory(ref="formula", name='=HYPERLINK("http://evil.example","klik")')
    exported = export_text()
    state_before = list(Organisation.objects.order_by("pk").values())

    result = organisations_import(file=io.StringIO(exported))

    assert result.ok, messages(result)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(Organisation.objects.order_by("pk").values()) == state_before
    assert export_text() == exported


def test_export_writes_sorted_lists_booleans_and_synthetic_refs():
    parent = OrganisationFactory(ref=None, name="Hogeschool", kind_slug="hbo")
    OrganisationFactory(
        ref="lect",
        name="Lectoraat",
        kind_slug="lectorate",
        parent=parent,
        topics=["visual-inspection", "edge-ai", "ml"],
        capacity=3,
    )

    lines = export_text().splitlines()

    assert lines == [
        ALL_COLUMNS,
        f"org-{parent.pk},Hogeschool,hbo,NL-ZH,,,,2,false,,,,",
        f"lect,Lectoraat,lectorate,NL-ZH,edge-ai;ml;visual-inspection,,,3,false,,org-{parent.pk},,",
    ]
    assert Organisation.objects.get(pk=parent.pk).ref is None


def test_export_defuses_cells_that_excel_would_run_as_formulas():
    OrganisationFactory(ref="x", name="=1+1")

    assert "x,'=1+1,sme" in export_text()


@pytest.mark.parametrize("text", ["=1+1", "'=1+1", "''@x", "-", "'hallo", "gewoon", "+31 10"])
def test_formula_protection_undoes_itself(text):
    assert unprotect_cell(protect_cell(text)) == text


def test_a_dutch_name_with_accents_survives_export_and_import_through_files(tmp_path):
    path = write_csv(
        tmp_path, HEADER, "ijs,Zuivelcoöperatie Ĳsselmeer & Café Ïnnovatie,sme,NL-FL,,,,,,,"
    )
    call_command("import_organisations", str(path), stdout=io.StringIO())
    exported = tmp_path / "export.csv"

    call_command("export_organisations", str(exported), stdout=io.StringIO())
    Organisation.objects.filter(ref="ijs").update(name="Anders")
    call_command("import_organisations", str(exported), stdout=io.StringIO())

    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")  # for Excel
    assert Organisation.objects.get(ref="ijs").name == "Zuivelcoöperatie Ĳsselmeer & Café Ïnnovatie"


def test_import_command_prints_the_counts(tmp_path):
    path = write_csv(tmp_path, HEADER, "a,A,sme,NL-ZH,,,,,,,")
    out = io.StringIO()

    call_command("import_organisations", str(path), stdout=out)

    assert out.getvalue() == "1 created, 0 updated, 0 unchanged.\n"


def test_import_command_dry_run_writes_nothing(tmp_path):
    path = write_csv(tmp_path, HEADER, "a,A,sme,NL-ZH,,,,,,,")
    out = io.StringIO()

    call_command("import_organisations", str(path), "--dry-run", stdout=out)

    assert "Dry run, nothing written: 1 to create" in out.getvalue()
    assert not Organisation.objects.exists()


def test_import_command_prints_every_error_on_stderr_and_fails(tmp_path):
    path = write_csv(tmp_path, HEADER, "a,A,sme,NL-XX,,,,,,,", "b,B,bakery,NL-ZH,,,,,,,")
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"2 errors; nothing was imported\."):
        call_command("import_organisations", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "line 2, column province: unknown province 'NL-XX'",
        "line 3, column kind: unknown organisation kind 'bakery'",
    ]
    assert not Organisation.objects.exists()


def test_import_command_reports_a_nul_character_by_line_and_column(tmp_path):
    path = write_csv(tmp_path, HEADER, "a,A,sme,NL-ZH,,,,,,,", "b,B\x00,sme,NL-ZH,,,,,,,")
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"1 error; nothing was imported\."):
        call_command("import_organisations", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [f"line 3, column name: {NUL_MESSAGE}"]
    assert not Organisation.objects.exists()


def test_import_command_reports_bytes_that_are_not_utf8_by_line_and_column(tmp_path):
    path = write_bytes(tmp_path, HEADER.encode(), "a,Café,sme,NL-ZH,,,,,,,".encode("latin-1"))
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"1 error; nothing was imported\."):
        call_command("import_organisations", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [f"line 2, column name: {NOT_UTF8_MESSAGE}"]
    assert not Organisation.objects.exists()


def test_import_command_refuses_a_file_over_the_size_limit(tmp_path, settings):
    path = write_csv(tmp_path, HEADER, "a,A,sme,NL-ZH,,,,,,,")
    settings.CSV_IMPORT_MAX_BYTES = path.stat().st_size - 1

    with pytest.raises(CommandError, match=r"This file is larger than .*; split it into"):
        call_command("import_organisations", str(path), "--dry-run", stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"Nothing was imported; .* CSV_IMPORT_MAX_BYTES\."):
        call_command("import_organisations", str(path), stdout=io.StringIO())

    assert not Organisation.objects.exists()
    settings.CSV_IMPORT_MAX_BYTES = path.stat().st_size
    call_command("import_organisations", str(path), stdout=io.StringIO())
    assert Organisation.objects.filter(ref="a").exists()


def test_import_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_organisations", str(tmp_path / "nope.csv"))


def run_manage_py(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """manage.py's entry point (execute_from_command_line) in a process of its own, in English
    to assert the text."""
    script = (
        "import sys, django; django.setup(); "
        "from django.utils import translation; translation.activate('en'); "
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(sys.argv)"
    )
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=BASE_DIR,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_exits_with_status_1_and_lists_the_errors_on_stderr(tmp_path):
    path = write_csv(tmp_path, "ref,name", "a,A")

    completed = run_manage_py("import_organisations", str(path))

    assert completed.returncode == 1
    assert "line 1, column kind: missing column 'kind'\n" in completed.stderr
    assert "9 errors; nothing was imported." in completed.stderr


def test_manage_py_exits_with_status_1_for_a_file_over_the_limit_set_in_the_environment(
    tmp_path,
):
    path = write_csv(tmp_path, HEADER, "a,A,sme,NL-ZH,,,,,,,")

    completed = run_manage_py(
        "import_organisations", str(path), env={"CSV_IMPORT_MAX_BYTES": "100"}
    )

    assert completed.returncode == 1
    assert "This file is larger than 100\xa0bytes; split it into smaller files." in (
        completed.stderr
    )
    assert "Traceback" not in completed.stderr
    assert not Organisation.objects.exists()


def test_export_command_writes_to_stdout_without_a_file():
    OrganisationFactory(ref="a", name="Café")
    out = io.StringIO()

    call_command("export_organisations", stdout=out)

    assert out.getvalue().splitlines()[:2] == [ALL_COLUMNS, "a,Café,sme,NL-ZH,,,,2,false,,,,"]


def test_validating_200_rows_takes_as_many_queries_as_validating_10(tmp_path):
    OrganisationFactory(ref="hs", kind_slug="hbo")

    def queries_for(count):
        rows = [
            f"r{n},Organisatie {n},sme,NL-ZH,ml;nlp,energy,training,1,false,,hs"
            for n in range(count)
        ]
        path = write_csv(tmp_path, HEADER, *rows, name=f"{count}.csv")
        with CaptureQueriesContext(connection) as context:
            assert organisations_import(file=path, dry_run=True).created == count
        return len(context.captured_queries)

    assert queries_for(200) == queries_for(10) <= 12


def test_importing_50_rows_twice_stays_within_a_query_budget(
    tmp_path, django_assert_max_num_queries
):
    # Each row names the next as its parent: forward references all the way down.
    rows = [f"r{n},Organisatie {n},sme,NL-ZH,ml,energy,,1,false,,r{n + 1}" for n in range(49)]
    rows.append("r49,Organisatie 49,sme,NL-ZH,ml,energy,,1,false,,")
    path = write_csv(tmp_path, HEADER, *rows)
    # Creating costs a slug lookup and an insert per new row; everything else is in bulk.
    with django_assert_max_num_queries(2 * 50 + 20):
        assert organisations_import(file=path).created == 50
    with django_assert_max_num_queries(12):
        assert organisations_import(file=path).unchanged == 50


def test_the_documented_example_imports_cleanly():
    result = organisations_import(file=EXAMPLES / "organisations.csv")

    assert result.ok, messages(result)
    assert result.created == 6
    assert Organisation.objects.get(ref="lect-beeld-westland").parent.ref == "hs-westland"
    assert Organisation.objects.get(ref="zuivel-fryslan").name == "Zuivelcoöperatie Fryslân"


# --- The description column (issue 10) -----------------------------------------------------------


def test_description_round_trips_through_export_and_import(tmp_path):
    text = 'Wij helpen bakkers met "voorspellen", ook met komma\'s; en <b>geen</b> HTML.'
    OrganisationFactory(ref="bakkerij-lab", name="Bakkerijlab", description=text)
    exported = export_text()
    assert exported.splitlines()[0] == ALL_COLUMNS
    Organisation.objects.filter(ref="bakkerij-lab").update(description="")

    path = tmp_path / "round-trip.csv"
    path.write_text(exported, encoding="utf-8")
    result = organisations_import(file=str(path))

    assert not result.errors
    assert Organisation.objects.get(ref="bakkerij-lab").description == text


def test_an_old_file_without_descriptions_leaves_them_as_they_are(tmp_path):
    OrganisationFactory(ref="mvb", name="Melkveebedrijf", kind_slug="sme", description="Koeien.")
    path = write_csv(tmp_path, HEADER, "mvb,Melkveebedrijf De Wei,sme,NL-GR,,,,,,,")

    result = organisations_import(file=path)

    assert not result.errors
    organisation = Organisation.objects.get(ref="mvb")
    assert organisation.name == "Melkveebedrijf De Wei"
    assert organisation.description == "Koeien."


def test_a_too_long_description_is_an_error_with_line_and_column(tmp_path):
    path = write_csv(tmp_path, FULL_HEADER, "x,X,sme,NL-GR,,,,,,,," + "a" * 5001)

    result = organisations_import(file=path)

    assert messages(result) == [
        "line 2, column description: too long: 5001 characters where at most 5000 fit"
    ]
    assert not Organisation.objects.exists()


def test_a_new_supplier_without_topics_or_capacity_is_refused_as_in_the_form(tmp_path):
    path = write_csv(
        tmp_path,
        HEADER,
        "lab-a,Innovatielab A,innovation-lab,NL-ZH,,,,0,,,",
        "kweker,Kwekerij De Vries,sme,NL-ZH,,,,,,,",
    )

    result = organisations_import(file=path)

    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(2, "topics"), (2, "capacity")]
    assert not Organisation.objects.exists()


def test_an_older_incomplete_supplier_that_the_file_leaves_alone_still_imports(tmp_path):
    OrganisationFactory(
        ref="lab-a", name="Innovatielab A", kind_slug="innovation-lab", province_code="NL-ZH"
    )
    Organisation.objects.filter(ref="lab-a").update(capacity=0)
    lab = Organisation.objects.get(ref="lab-a")
    topics = ";".join(slugs(lab.topics))
    row = f"lab-a,Innovatielab A,innovation-lab,NL-ZH,{topics},,,0,false,,"

    assert organisations_import(file=write_csv(tmp_path, HEADER, row)).ok
    # Changing what matching reads asks the rule again.
    changed = "lab-a,Innovatielab A,innovation-lab,NL-ZH,nlp,,,0,false,,"
    result = organisations_import(file=write_csv(tmp_path, HEADER, changed))
    assert [(e.line, e.column) for e in result.errors] == [(2, "capacity")]
