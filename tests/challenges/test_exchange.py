import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from apps.challenges.exchange import challenges_export, challenges_import
from apps.challenges.models import Challenge, ChallengeStatus
from apps.organisations.exchange import organisations_import
from tests.challenges.factories import ChallengeFactory
from tests.csv_helpers import messages, slugs, write_csv
from tests.organisations.factories import OrganisationFactory

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "docs" / "examples"
HEADER = "ref,organisation_ref,title,description,province,topics,sectors,formats,status"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in their English source text, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def grower(db):
    return OrganisationFactory(ref="kweker", name="Kwekerij De Vries", kind_slug="sme")


def export_text(**kwargs):
    out = io.StringIO()
    challenges_export(out=out, **kwargs)
    return out.getvalue()


def test_a_good_file_imports_every_field(tmp_path, grower):
    path = write_csv(
        tmp_path,
        HEADER,
        'tomaat,kweker,Rotte tomaten herkennen,"Wij sorteren met de hand, en missen er soms.',
        'Kan een camera dat beter?",NL-ZH,visual-inspection;vision,agrifood,'
        "student-project;living-lab,published",
        "oogst,kweker,Oogst voorspellen,Per kas een week vooruit.,nl-zh,predictive-analytics,,,",
        "kas,kweker,Klimaat in de kas,Sturen op gegevens.,NL-ZH,ml,,,Submitted",
    )

    result = challenges_import(file=path)

    assert result.ok, messages(result)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    tomato = Challenge.objects.get(ref="tomaat")
    assert tomato.organisation == grower
    assert tomato.title == "Rotte tomaten herkennen"
    assert tomato.description == (
        "Wij sorteren met de hand, en missen er soms.\r\nKan een camera dat beter?"
    )
    assert tomato.province.code == "NL-ZH"
    assert slugs(tomato.topics) == ["vision", "visual-inspection"]
    assert slugs(tomato.sectors) == ["agrifood"]
    assert slugs(tomato.formats) == ["living-lab", "student-project"]
    assert tomato.status == ChallengeStatus.PUBLISHED
    assert tomato.published_at is not None
    assert tomato.created_by is None
    harvest = Challenge.objects.get(ref="oogst")
    assert harvest.status == ChallengeStatus.DRAFT  # an empty status on create
    assert harvest.published_at is None
    assert harvest.submitted_at is None
    climate = Challenge.objects.get(ref="kas")
    assert climate.status == ChallengeStatus.SUBMITTED
    assert climate.submitted_at is not None
    assert climate.published_at is None


def test_a_file_with_bad_rows_writes_nothing_and_reports_every_error(tmp_path, grower):
    OrganisationFactory(ref="hs", kind_slug="hbo")
    path = write_csv(
        tmp_path,
        HEADER,
        "ok,kweker,Goed,Een goede uitdaging.,NL-ZH,ml,,,draft",
        "a,ghost,,Beschrijving,NL-XX,,,,",
        "b,hs,Van een hogeschool,Beschrijving,NL-ZH,ml;teleportation,,,published",
        "c,kweker,Afgewezen,Beschrijving,NL-ZH,ml,,,rejected",
        f"d,kweker,{'t' * 201},,NL-ZH,ml,banking,,archived",
        "ok,kweker,Dubbel,Beschrijving,NL-ZH,ml,,,",
    )

    result = challenges_import(file=path)

    assert messages(result) == [
        "line 3, column organisation_ref: unknown organisation 'ghost'",
        "line 3, column title: a value is required",
        "line 3, column province: unknown province 'NL-XX'",
        "line 3, column topics: a challenge needs at least one topic",
        "line 4, column organisation_ref: organisation 'hs' cannot post challenges: "
        "its kind 'hbo' is not a demand kind",
        "line 4, column topics: unknown topic 'teleportation'",
        "line 5, column status: cannot import a rejected challenge without a reason",
        "line 6, column title: too long: 201 characters where at most 200 fit",
        "line 6, column description: a value is required",
        "line 6, column sectors: unknown sector 'banking'",
        "line 6, column status: unknown status 'archived'; the statuses are: "
        "draft, submitted, published, in_community, closed, rejected",
        "line 7, column ref: 'ok' is already used on line 2",
    ]
    assert not Challenge.objects.exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path, grower):
    path = write_csv(
        tmp_path,
        HEADER,
        "a,kweker,Eerste,Beschrijving,NL-ZH,ml;nlp,agrifood,training,published",
        "b,kweker,Tweede,Beschrijving,NL-ZH,ml,,,",
    )
    first = challenges_import(file=path)
    before = list(Challenge.objects.order_by("pk").values())

    second = challenges_import(file=path)

    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert list(Challenge.objects.order_by("pk").values()) == before


def test_reimporting_a_ref_updates_the_challenge(tmp_path, grower):
    other = OrganisationFactory(ref="gemeente", kind_slug="public", province_code="NL-UT")
    challenges_import(file=write_csv(tmp_path, HEADER, "a,kweker,Oud,Oud.,NL-ZH,ml,energy,,"))
    challenge = Challenge.objects.get(ref="a")

    result = challenges_import(
        file=write_csv(
            tmp_path, HEADER, "a,gemeente,Nieuw,Nieuw.,NL-UT,nlp;vision,,hackathon,submitted"
        )
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert Challenge.objects.count() == 1
    challenge.refresh_from_db()
    assert challenge.organisation == other
    assert (challenge.title, challenge.description) == ("Nieuw", "Nieuw.")
    assert challenge.province.code == "NL-UT"
    assert slugs(challenge.topics) == ["nlp", "vision"]
    assert slugs(challenge.sectors) == []
    assert slugs(challenge.formats) == ["hackathon"]
    assert challenge.status == ChallengeStatus.SUBMITTED  # through the workflow service
    assert challenge.submitted_at is not None


def test_an_empty_status_on_update_keeps_the_stored_one(tmp_path, grower):
    ChallengeFactory(
        ref="a", organisation=grower, title="T", description="D", status="in_community"
    )

    result = challenges_import(
        file=write_csv(tmp_path, HEADER, "a,kweker,T,D,NL-ZH,predictive-analytics,,,")
    )

    assert (result.updated, result.unchanged) == (0, 1)
    assert Challenge.objects.get(ref="a").status == ChallengeStatus.IN_COMMUNITY


def test_a_disallowed_status_change_on_reimport_is_reported(tmp_path, grower):
    ChallengeFactory(ref="pub", organisation=grower, title="Gepubliceerd", status="published")
    ChallengeFactory(ref="closed", organisation=grower, title="Dicht", status="closed")
    ChallengeFactory(ref="sub", organisation=grower, title="Ingediend", status="submitted")
    path = write_csv(
        tmp_path,
        HEADER,
        "pub,kweker,Gepubliceerd,D,NL-ZH,ml,,,draft",
        "closed,kweker,Dicht,D,NL-ZH,ml,,,published",
        "sub,kweker,Ingediend,D,NL-ZH,ml,,,rejected",
    )

    result = challenges_import(file=path)

    assert messages(result) == [
        "line 2, column status: cannot change the status from 'published' to 'draft'; "
        "from 'published' it can go to: closed, in_community",
        "line 3, column status: cannot change the status from 'closed' to 'published'; "
        "from 'closed' it can go to: nowhere, it is final",
        "line 4, column status: cannot import a rejected challenge without a reason",
    ]
    assert dict(Challenge.objects.values_list("ref", "status")) == {
        "pub": "published",
        "closed": "closed",
        "sub": "submitted",
    }


def test_an_allowed_status_change_goes_through_the_workflow(tmp_path, grower):
    challenge = ChallengeFactory(ref="a", organisation=grower, status="submitted")
    path = write_csv(
        tmp_path,
        HEADER,
        f"a,kweker,{challenge.title},{challenge.description},NL-ZH,predictive-analytics,,,"
        "published",
    )

    result = challenges_import(file=path)

    assert (result.updated, result.unchanged) == (1, 0)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED
    assert challenge.published_at is not None


def test_a_rejected_challenge_stays_rejected_when_the_file_says_so(tmp_path, grower):
    ChallengeFactory(
        ref="a",
        organisation=grower,
        title="T",
        description="D",
        status="rejected",
        rejection_reason="Te vaag",
    )
    path = write_csv(tmp_path, HEADER, "a,kweker,T,D,NL-ZH,predictive-analytics,,,rejected")

    result = challenges_import(file=path)

    assert result.unchanged == 1, messages(result)


def test_export_then_import_round_trips_to_the_same_state(grower):
    ChallengeFactory(
        ref="a",
        organisation=grower,
        title="Melkaanvoer voorspellen — coöperatie",
        description='Regel één, met "quotes"\r\nen een tweede regel; café.',
        topics=["predictive-analytics", "time-series"],
        status="published",
    )
    ChallengeFactory(ref=None, organisation=OrganisationFactory(ref=None), status="draft")
    ChallengeFactory(ref="formula", organisation=grower, title="@SUM(A1)", status="closed")
    exported = export_text()
    before = list(Challenge.objects.order_by("pk").values())

    result = challenges_import(file=io.BytesIO(exported.encode()))

    assert result.ok, messages(result)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert list(Challenge.objects.order_by("pk").values()) == before
    assert export_text() == exported


def test_export_names_rows_without_ref_by_pk_and_writes_nothing(grower):
    organisation = OrganisationFactory(ref=None)
    challenge = ChallengeFactory(
        ref=None,
        organisation=organisation,
        title="T",
        description="D",
        topics=["nlp", "ml"],
        status="draft",
    )

    lines = export_text().splitlines()

    assert lines == [
        HEADER,
        f"challenge-{challenge.pk},org-{organisation.pk},T,D,NL-ZH,ml;nlp,,,draft",
    ]
    challenge.refresh_from_db()
    assert challenge.ref is None


def test_import_command_prints_the_counts_and_export_command_writes_csv(tmp_path, grower):
    path = write_csv(tmp_path, HEADER, "a,kweker,T,D,NL-ZH,ml,,,")
    out = io.StringIO()

    call_command("import_challenges", str(path), stdout=out)
    exported = io.StringIO()
    call_command("export_challenges", stdout=exported)

    assert out.getvalue() == "1 created, 0 updated, 0 unchanged.\n"
    assert exported.getvalue().splitlines() == [HEADER, "a,kweker,T,D,NL-ZH,ml,,,draft"]


def test_import_command_dry_run_writes_nothing(tmp_path, grower):
    path = write_csv(tmp_path, HEADER, "a,kweker,T,D,NL-ZH,ml,,,")

    call_command("import_challenges", str(path), "--dry-run", stdout=io.StringIO())

    assert not Challenge.objects.exists()


def test_import_command_prints_every_error_on_stderr_and_fails(tmp_path, grower):
    path = write_csv(
        tmp_path, HEADER, "a,kweker,T,D,NL-ZH,,,,", "b,nobody,T,D,NL-ZH,ml,,,published"
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"2 errors; nothing was imported\."):
        call_command("import_challenges", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "line 2, column topics: a challenge needs at least one topic",
        "line 3, column organisation_ref: unknown organisation 'nobody'",
    ]
    assert not Challenge.objects.exists()


NUL_MESSAGE = "this cell contains a NUL character (a zero byte), which cannot be stored; remove it"
NOT_UTF8_MESSAGE = "the file is not UTF-8 text; save it from the spreadsheet as “CSV UTF-8”"


def test_import_command_reports_a_nul_character_by_line_and_column(tmp_path, grower):
    path = write_csv(
        tmp_path,
        HEADER,
        "a,kweker,T,D,NL-ZH,ml,,,",
        "b\x00,kweker,T,Beschrijving\x00,NL-ZH,ml,,,",
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"2 errors; nothing was imported\."):
        call_command("import_challenges", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        f"line 3, column ref: {NUL_MESSAGE}",
        f"line 3, column description: {NUL_MESSAGE}",
    ]
    assert not Challenge.objects.exists()


def test_import_command_reports_bytes_that_are_not_utf8_by_line_and_column(tmp_path, grower):
    path = tmp_path / "import.csv"
    path.write_bytes(
        HEADER.encode() + b"\r\n" + "a,kweker,T,Zuivelcoöperatie,NL-ZH,ml,,,\r\n".encode("cp1252")
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"1 error; nothing was imported\."):
        call_command("import_challenges", str(path), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [f"line 2, column description: {NOT_UTF8_MESSAGE}"]
    assert not Challenge.objects.exists()


def test_import_command_refuses_a_file_over_the_size_limit(tmp_path, grower, settings):
    path = write_csv(tmp_path, HEADER, "a,kweker,T,D,NL-ZH,ml,,,")
    settings.CSV_IMPORT_MAX_BYTES = path.stat().st_size - 1

    with pytest.raises(CommandError, match=r"This file is larger than .*; split it into"):
        call_command("import_challenges", str(path), stdout=io.StringIO())

    assert not Challenge.objects.exists()


def test_a_refused_status_in_a_later_chunk_rolls_back_the_chunks_already_written(
    tmp_path, grower, monkeypatch
):
    monkeypatch.setattr("apps.core.csv_exchange.IMPORT_CHUNK_ROWS", 2)
    ChallengeFactory(ref="dicht", organisation=grower, title="Dicht", status="closed")
    rows = [f"c{n},kweker,Titel {n},D,NL-ZH,ml,,,published" for n in range(4)]
    path = write_csv(tmp_path, HEADER, *rows, "dicht,kweker,Dicht,D,NL-ZH,ml,,,published")

    result = challenges_import(file=path)

    assert messages(result) == [
        "line 6, column status: cannot change the status from 'closed' to 'published'; "
        "from 'closed' it can go to: nowhere, it is final"
    ]
    assert list(Challenge.objects.values_list("ref", flat=True)) == ["dicht"]


def test_a_long_file_is_imported_chunk_by_chunk(tmp_path, grower, monkeypatch):
    monkeypatch.setattr("apps.core.csv_exchange.IMPORT_CHUNK_ROWS", 2)
    rows = [f"c{n},kweker,Titel {n},D,NL-ZH,ml,,,published" for n in range(5)]
    path = write_csv(tmp_path, HEADER, *rows, "c0,kweker,Nogmaals,D,NL-ZH,ml,,,")

    assert messages(challenges_import(file=path)) == [
        "line 7, column ref: 'c0' is already used on line 2"
    ]
    assert not Challenge.objects.exists()

    result = challenges_import(file=write_csv(tmp_path, HEADER, *rows, name="good.csv"))

    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    assert Challenge.objects.filter(status=ChallengeStatus.PUBLISHED).count() == 5


def test_validating_200_rows_takes_as_many_queries_as_validating_10(tmp_path, grower):
    ChallengeFactory(ref="c0", organisation=grower, status="draft")  # one update among them

    def queries_for(count):
        rows = [
            f"c{n},kweker,Titel {n},Beschrijving,NL-ZH,ml;nlp,energy,training,draft"
            for n in range(count)
        ]
        path = write_csv(tmp_path, HEADER, *rows, name=f"{count}.csv")
        with CaptureQueriesContext(connection) as context:
            result = challenges_import(file=path, dry_run=True)
        assert result.ok, messages(result)
        return len(context.captured_queries)

    assert queries_for(200) == queries_for(10) <= 12


def test_importing_50_rows_stays_within_a_query_budget(
    tmp_path, grower, django_assert_max_num_queries
):
    rows = [f"c{n},kweker,Titel {n},Beschrijving,NL-ZH,ml;nlp,energy,,draft" for n in range(50)]
    path = write_csv(tmp_path, HEADER, *rows)

    with django_assert_max_num_queries(20):
        assert challenges_import(file=path).created == 50


def test_the_documented_examples_import_cleanly():
    organisations = organisations_import(file=EXAMPLES / "organisations.csv")
    assert organisations.ok, messages(organisations)

    result = challenges_import(file=EXAMPLES / "challenges.csv")

    assert result.ok, messages(result)
    assert result.created == 5
    assert Challenge.objects.get(ref="vries-rot").status == ChallengeStatus.PUBLISHED
    assert "\n" in Challenge.objects.get(ref="vries-rot").description


def test_a_status_change_refused_while_writing_rolls_back_the_whole_import(
    tmp_path, grower, monkeypatch
):
    # As if the challenge moved on between the check and the write: the workflow refuses.
    monkeypatch.setattr(
        "apps.challenges.exchange.challenge_can_change_status", lambda **kwargs: True
    )
    ChallengeFactory(ref="pub", organisation=grower, title="T", description="D")
    path = write_csv(
        tmp_path,
        HEADER,
        "new,kweker,Nieuw,D,NL-ZH,ml,,,",
        "pub,kweker,Andere titel,D,NL-ZH,predictive-analytics,,,draft",
    )

    result = challenges_import(file=path)

    assert messages(result) == [
        "line 3, column status: A challenge cannot go from “published” to “draft”."
    ]
    assert (result.created, result.updated) == (0, 0)
    assert list(Challenge.objects.values_list("ref", "title")) == [("pub", "T")]
