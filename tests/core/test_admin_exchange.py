"""Onboarding a region in the admin: upload a CSV, see every problem (or what would happen)
before anything is written, confirm, and end up where `manage.py import_<things>` ends up;
export the same format, limited to the coordinator's region."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from apps.audit.models import AuditAction, AuditEvent
from apps.challenges.exchange import challenges_export
from apps.challenges.models import Challenge, ChallengeStatus
from apps.core.admin_exchange import PendingUploads
from apps.hubs.models import Hub
from apps.hubs.services import hub_coordinator_add
from apps.organisations.exchange import organisations_export
from apps.organisations.models import Organisation
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.csv_helpers import write_csv
from tests.mfa_helpers import login_with_second_factor
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ORGANISATIONS_HEADER = (
    "ref,name,kind,province,topics,sectors,formats,capacity,serves_nationally,website,parent_ref"
)
CHALLENGES_HEADER = "ref,organisation_ref,title,description,province,topics,sectors,formats,status"
ORGANISATION_ROWS = (
    ORGANISATIONS_HEADER,
    "hs-west,Hogeschool Westland,hbo,NL-ZH,ml;visual-inspection,agrifood,training,4,false,"
    "hs-west.example,",
    "lect-beeld,Lectoraat Beeldherkenning,lectorate,NL-ZH,visual-inspection,agrifood,,2,false,,"
    "hs-west",
    "kweker,Kwekerij De Vries,sme,NL-ZH,,,,0,false,,",
)


@pytest.fixture(autouse=True)
def english():
    """/en/ admin URLs, so English texts can be asserted where data alone is not enough."""
    with translation.override("en"):
        yield


def make_hub_coordinator(hub_slug: str):
    user = UserFactory()
    hub_coordinator_add(hub=Hub.objects.get(slug=hub_slug), user=user)
    user.refresh_from_db()
    return user


@pytest.fixture
def zh_coordinator(client):
    user = make_hub_coordinator("zuid-holland")
    login_with_second_factor(client, user)
    return user


@pytest.fixture
def north_coordinator():
    return make_hub_coordinator("noord-nederland")


def url(model: str, suffix: str) -> str:
    return reverse(f"admin:{model}_{suffix}")


ORGS = "organisations_organisation"
CHALLENGES = "challenges_challenge"


def upload(client, model: str, *lines: str, name: str = "regio.csv"):
    content = ("\r\n".join(lines) + "\r\n").encode()
    return client.post(
        url(model, "import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def confirm(client, model: str, preview):
    form = preview.context["confirm_form"]
    return client.post(
        url(model, "import_confirm"),
        {"token": form.initial["token"], "sha256": form.initial["sha256"]},
    )


def errors_of(response):
    return [(error.line, error.column) for error in response.context["result"].errors]


def shown_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def organisation_rows(refs):
    """The organisations as the export writes them, plus their slugs: what an import made."""
    out = io.StringIO()
    organisations_export(
        out=out, queryset=Organisation.objects.filter(ref__in=refs).order_by("ref")
    )
    slugs = list(Organisation.objects.filter(ref__in=refs).order_by("ref").values_list("slug"))
    return out.getvalue(), slugs


def challenge_rows(refs):
    out = io.StringIO()
    challenges_export(out=out, queryset=Challenge.objects.filter(ref__in=refs).order_by("ref"))
    return out.getvalue(), list(
        Challenge.objects.filter(ref__in=refs).order_by("ref").values_list("status")
    )


# The upload page -----------------------------------------------------------------------------


def test_changelists_offer_import_and_export(client, zh_coordinator):
    for model in (ORGS, CHALLENGES):
        response = client.get(url(model, "changelist"))
        assert response.status_code == 200
        assert url(model, "import") in response.content.decode()
        assert url(model, "export") in response.content.decode()


def test_upload_page_lists_the_columns_the_region_and_an_example(client, zh_coordinator):
    response = client.get(url(ORGS, "import"))

    assert response.status_code == 200
    page = response.content.decode()
    for column in ORGANISATIONS_HEADER.split(","):
        assert f"<code>{column}</code>" in page
    assert "NL-ZH" in page  # the coordinator's province, and a value of the province column
    example = client.get(url(ORGS, "import_example"))
    assert example.status_code == 200
    assert b"".join(example.streaming_content).startswith(ORGANISATIONS_HEADER.encode())


def test_upload_refuses_a_file_that_is_not_csv(client, zh_coordinator):
    response = upload(client, ORGS, *ORGANISATION_ROWS, name="regio.xlsx")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Organisation.objects.filter(ref="hs-west").exists()


def test_upload_refuses_a_file_over_five_megabytes(client, zh_coordinator):
    big_cell = "x" * (5 * 1024 * 1024)
    response = upload(client, ORGS, ORGANISATIONS_HEADER, f"big,{big_cell},sme,NL-ZH,,,,,,,")

    assert response.context["form"].errors["file"]


def test_upload_refuses_a_file_over_the_configured_limit_and_says_the_limit(
    client, zh_coordinator, settings
):
    settings.CSV_IMPORT_MAX_BYTES = 100

    page = client.get(url(ORGS, "import")).content.decode()
    response = upload(client, ORGS, *ORGANISATION_ROWS)

    assert "at most 100\xa0bytes" in page
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This file is larger than 100\xa0bytes; split it into smaller files."
    ]
    assert not Organisation.objects.filter(ref__in=["hs-west", "kweker", "lect-beeld"]).exists()


# Preview ----------------------------------------------------------------------------------------


def test_upload_with_bad_rows_lists_every_error_and_writes_nothing(client, zh_coordinator):
    before = Organisation.objects.count()

    response = upload(
        client,
        ORGS,
        ORGANISATIONS_HEADER,
        "goed-1,Goed Een,sme,NL-ZH,,,,,,,",
        "fout-1,Fout Provincie,sme,NL-XX,,,,,,,",
        "goed-2,Goed Twee,sme,NL-ZH,,,,,,,",
        "fout-2,Fout Onderwerp,sme,NL-ZH,quantum-magic,,,,,,",
    )

    assert response.status_code == 200
    assert errors_of(response) == [(3, "province"), (5, "topics")]
    page = response.content.decode()
    assert "NL-XX" in page and "quantum-magic" in page
    assert response.context["confirm_form"] is None
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_valid_upload_previews_the_counts_and_writes_nothing(client, zh_coordinator):
    OrganisationFactory(ref="kweker", name="Kwekerij De Vries", kind_slug="sme", capacity=0)
    OrganisationFactory(ref="hs-west", name="Oude Naam", kind_slug="hbo")
    before = Organisation.objects.count()

    response = upload(client, ORGS, *ORGANISATION_ROWS)

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    groups = {
        group["kind"]: [row.ref for row in group["first"]] for group in response.context["groups"]
    }
    assert groups == {"created": ["lect-beeld"], "updated": ["hs-west"], "unchanged": ["kweker"]}
    assert response.context["confirm_form"] is not None
    assert Organisation.objects.count() == before
    assert Organisation.objects.get(ref="hs-west").name == "Oude Naam"
    assert not AuditEvent.objects.exists()


NUL_MESSAGE = "this cell contains a NUL character (a zero byte), which cannot be stored; remove it"


def test_preview_reports_a_nul_character_by_line_and_column(client, zh_coordinator):
    response = upload(
        client,
        ORGS,
        ORGANISATIONS_HEADER,
        "goed,Goed,sme,NL-ZH,,,,,,,",
        "kapot,Kap\x00ot,sme,NL-ZH,,,,,,,",
    )

    assert response.status_code == 200
    assert [str(error) for error in response.context["result"].errors] == [
        f"line 3, column name: {NUL_MESSAGE}"
    ]
    assert response.context["confirm_form"] is None
    assert not Organisation.objects.filter(ref__in=["goed", "kapot"]).exists()


@pytest.mark.parametrize(
    ("model", "lines", "column"),
    [
        (ORGS, (ORGANISATIONS_HEADER, "kapot,Kap\x00ot,sme,NL-ZH,,,,,,,"), "name"),
        (
            CHALLENGES,
            (CHALLENGES_HEADER, "c1,kweker,Titel,Besch\x00rijving,NL-ZH,ml,,,"),
            "description",
        ),
    ],
)
def test_confirm_of_a_file_with_a_nul_character_shows_the_error_and_writes_nothing(
    client, zh_coordinator, model, lines, column
):
    # A file that reached the confirm step all the same (as one previewed before NUL
    # characters were checked): the import checks it again.
    OrganisationFactory(ref="kweker", kind_slug="sme")
    data = ("\r\n".join(lines) + "\r\n").encode()
    model_class = Organisation if model == ORGS else Challenge
    token, sha256 = PendingUploads(user=zh_coordinator, model=model_class).keep(
        name="kapot.csv", data=data
    )
    before = model_class.objects.count()

    response = client.post(url(model, "import_confirm"), {"token": token, "sha256": sha256})

    assert response.status_code == 200
    assert [str(error) for error in response.context["result"].errors] == [
        f"line 2, column {column}: {NUL_MESSAGE}"
    ]
    assert model_class.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_preview_of_a_file_without_rows_offers_no_confirm(client, zh_coordinator):
    response = upload(client, ORGS, ORGANISATIONS_HEADER)

    assert response.context["is_empty"]
    assert response.context["confirm_form"] is None


# Confirm ----------------------------------------------------------------------------------------


def test_confirm_imports_what_the_command_line_imports(client, zh_coordinator, tmp_path):
    refs = ["hs-west", "kweker", "lect-beeld"]
    preview = upload(client, ORGS, *ORGANISATION_ROWS, name="westland.csv")

    response = confirm(client, ORGS, preview)

    assert response.status_code == 302
    assert response.url == url(ORGS, "changelist")
    assert shown_messages(response) == [
        "Imported “westland.csv”: 3 created, 0 updated, 0 unchanged."
    ]
    from_admin = organisation_rows(refs)
    assert len(from_admin[1]) == 3
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.ORGANISATIONS_IMPORTED
    assert event.actor == zh_coordinator
    assert event.province.code == "NL-ZH"
    assert event.after == {"file": "westland.csv", "created": 3, "updated": 0, "unchanged": 0}

    # A fresh start, then the same file through the command line.
    Organisation.objects.filter(ref__in=refs).delete()
    call_command("import_organisations", str(write_csv(tmp_path, *ORGANISATION_ROWS)))

    assert organisation_rows(refs) == from_admin
    command_event = AuditEvent.objects.exclude(pk=event.pk).get()
    assert command_event.actor is None
    assert command_event.actor_label == "system"
    assert command_event.after["file"] == "import.csv"


def test_a_second_confirm_imports_nothing_again(client, zh_coordinator):
    preview = upload(client, ORGS, *ORGANISATION_ROWS)
    confirm(client, ORGS, preview)

    again = confirm(client, ORGS, preview)

    assert again.status_code == 302
    assert Organisation.objects.filter(ref__in=["hs-west", "kweker", "lect-beeld"]).count() == 3
    assert AuditEvent.objects.count() == 1
    assert shown_messages(again)[-1] == (
        "This file was imported already: 3 created, 0 updated, 0 unchanged. "
        "Nothing was imported again."
    )


def test_confirm_with_a_different_hash_imports_nothing(client, zh_coordinator):
    preview = upload(client, ORGS, *ORGANISATION_ROWS)
    token = preview.context["confirm_form"].initial["token"]

    response = client.post(url(ORGS, "import_confirm"), {"token": token, "sha256": "0" * 64})

    assert response.status_code == 302
    assert response.url == url(ORGS, "import")
    assert not Organisation.objects.filter(ref="hs-west").exists()


def test_another_coordinator_cannot_confirm_my_upload(client, zh_coordinator):
    preview = upload(client, ORGS, *ORGANISATION_ROWS)
    colleague = make_hub_coordinator("zuid-holland")
    login_with_second_factor(client, colleague)

    response = confirm(client, ORGS, preview)

    assert response.status_code == 302
    assert not Organisation.objects.filter(ref="hs-west").exists()
    assert not AuditEvent.objects.exists()


def test_confirm_by_get_only_leads_back_to_the_upload_page(client, zh_coordinator):
    response = client.get(url(ORGS, "import_confirm"))

    assert response.status_code == 302
    assert response.url == url(ORGS, "import")


def test_confirm_reports_problems_that_arose_after_the_preview(client, zh_coordinator):
    preview = upload(
        client,
        CHALLENGES,
        CHALLENGES_HEADER,
        "c1,kweker,Titel,Beschrijving,NL-ZH,ml,,,",
    )
    assert errors_of(preview) == [(2, "organisation_ref")]  # the grower is not imported yet
    OrganisationFactory(ref="kweker", kind_slug="sme")
    valid = upload(
        client, CHALLENGES, CHALLENGES_HEADER, "c1,kweker,Titel,Beschrijving,NL-ZH,ml,,,"
    )
    Organisation.objects.filter(ref="kweker").delete()

    response = confirm(client, CHALLENGES, valid)

    assert response.status_code == 200
    assert errors_of(response) == [(2, "organisation_ref")]
    assert not Challenge.objects.filter(ref="c1").exists()
    assert not AuditEvent.objects.exists()


def test_challenges_import_like_the_command_line_and_not_twice(client, zh_coordinator, tmp_path):
    grower = OrganisationFactory(ref="kweker", kind_slug="sme")
    ChallengeFactory(ref="oogst", organisation=grower, status=ChallengeStatus.SUBMITTED)
    rows = (
        CHALLENGES_HEADER,
        "tomaat,kweker,Rotte tomaten herkennen,Met een camera boven de band.,NL-ZH,"
        "visual-inspection,agrifood,living-lab,published",
        "oogst,kweker,Oogst voorspellen,Per kas een week vooruit.,NL-ZH,predictive-analytics,,,"
        "published",
        "kas,kweker,Klimaat in de kas,Sturen op gegevens.,NL-ZH,ml,,,",
    )
    preview = upload(client, CHALLENGES, *rows)
    result = preview.context["result"]
    assert (result.created, result.updated, result.unchanged) == (2, 1, 0)
    assert not Challenge.objects.filter(ref="tomaat").exists()

    response = confirm(client, CHALLENGES, preview)
    again = confirm(client, CHALLENGES, preview)

    assert response.status_code == again.status_code == 302
    assert Challenge.objects.filter(ref__in=["tomaat", "oogst", "kas"]).count() == 3
    assert Challenge.objects.get(ref="tomaat").organisation == grower
    assert Challenge.objects.get(ref="oogst").status == ChallengeStatus.PUBLISHED
    from_admin = challenge_rows(["kas", "oogst", "tomaat"])
    event = AuditEvent.objects.get()
    assert event.action == AuditAction.CHALLENGES_IMPORTED
    assert event.after == {"file": "regio.csv", "created": 2, "updated": 1, "unchanged": 0}

    Challenge.objects.filter(ref__in=["tomaat", "kas"]).delete()
    Challenge.objects.filter(ref="oogst").update(status=ChallengeStatus.SUBMITTED)
    call_command("import_challenges", str(write_csv(tmp_path, *rows)))

    assert challenge_rows(["kas", "oogst", "tomaat"]) == from_admin


# The coordinator's region --------------------------------------------------------------------


def test_coordinator_of_another_hub_gets_an_error_per_zuid_holland_row(client, north_coordinator):
    login_with_second_factor(client, north_coordinator)
    before = Organisation.objects.count()

    response = upload(
        client,
        ORGS,
        ORGANISATIONS_HEADER,
        "gr-1,Groninger Bedrijf,sme,NL-GR,,,,,,,",
        "zh-1,Haags Bedrijf,sme,NL-ZH,,,,,,,",
        "zh-2,Delfts Bedrijf,sme,nl-zh,,,,,,,",
    )

    assert errors_of(response) == [(3, "province"), (4, "province")]
    assert Organisation.objects.count() == before


def test_coordinator_cannot_change_or_use_organisations_outside_the_region(
    client, north_coordinator, sme
):
    sme.ref = "korenbloem"
    sme.save()
    login_with_second_factor(client, north_coordinator)

    taking_over = upload(
        client, ORGS, ORGANISATIONS_HEADER, "korenbloem,Overgenomen,sme,NL-GR,,,,,,,"
    )
    pointing_at = upload(
        client,
        ORGS,
        ORGANISATIONS_HEADER,
        "gr-lab,Gronings Lab,lectorate,NL-GR,ml,,,1,,,korenbloem",
    )
    challenges = upload(
        client,
        CHALLENGES,
        CHALLENGES_HEADER,
        "zh-vraag,korenbloem,Titel,Beschrijving,NL-ZH,ml,,,",
    )

    assert errors_of(taking_over) == [(2, "ref")]
    assert errors_of(pointing_at) == [(2, "parent_ref")]
    assert errors_of(challenges) == [(2, "province"), (2, "organisation_ref")]
    sme.refresh_from_db()
    assert sme.name == "Bakkerij De Korenbloem"
    assert not Challenge.objects.filter(ref="zh-vraag").exists()


def test_the_command_line_imports_nationwide(tmp_path):
    path = write_csv(
        tmp_path,
        ORGANISATIONS_HEADER,
        "gr-1,Groninger Bedrijf,sme,NL-GR,,,,,,,",
        "zh-1,Haags Bedrijf,sme,NL-ZH,,,,,,,",
    )

    call_command("import_organisations", str(path))

    assert Organisation.objects.filter(ref__in=["gr-1", "zh-1"]).count() == 2
    # One audit event per province, so each hub's coordinators see theirs.
    assert sorted(AuditEvent.objects.values_list("province__code", flat=True)) == [
        "NL-GR",
        "NL-ZH",
    ]


# Export -----------------------------------------------------------------------------------------


@pytest.fixture
def two_regions(sme):
    groningen = OrganisationFactory(ref="zuivel", name="Zuivel Noord", province_code="NL-GR")
    ChallengeFactory(ref="zh-vraag", organisation=sme, title="Brood uit de oven voorspellen")
    ChallengeFactory(
        ref="gr-vraag", organisation=groningen, province_code="NL-GR", title="Melk tellen"
    )
    return sme, groningen


def test_export_all_holds_only_the_coordinators_region(client, zh_coordinator, two_regions):
    response = client.get(url(ORGS, "export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="organisations-{today}.csv"'
    text = response.content.decode("utf-8-sig")
    assert text.startswith(ORGANISATIONS_HEADER)
    assert "Bakkerij De Korenbloem" in text
    assert "Zuivel Noord" not in text

    challenges = client.get(url(CHALLENGES, "export")).content.decode("utf-8-sig")
    assert "Brood uit de oven voorspellen" in challenges
    assert "Melk tellen" not in challenges


def test_export_selected_exports_the_selection_within_the_region(
    client, zh_coordinator, two_regions
):
    sme, groningen = two_regions
    other = OrganisationFactory(name="Drukkerij Delft")

    response = client.post(
        url(ORGS, "changelist"),
        {"action": "export_selected_csv", ACTION_CHECKBOX_NAME: [sme.pk, groningen.pk]},
    )

    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    assert "Bakkerij De Korenbloem" in text
    assert other.name not in text
    assert "Zuivel Noord" not in text  # guessed id of another region


def test_export_imports_back_unchanged(client, zh_coordinator, two_regions):
    OrganisationFactory(name="Zonder Ref", ref=None)  # exported with a synthetic org-<pk> ref
    exported = client.get(url(ORGS, "export")).content
    count = Organisation.objects.count()

    preview = client.post(
        url(ORGS, "import"),
        {"file": SimpleUploadedFile("terug.csv", exported, content_type="text/csv")},
    )

    result = preview.context["result"]
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    confirm(client, ORGS, preview)
    assert Organisation.objects.count() == count
    assert not AuditEvent.objects.exists()  # nothing changed, nothing to record

    challenges = client.get(url(CHALLENGES, "export")).content
    challenge_preview = client.post(
        url(CHALLENGES, "import"),
        {"file": SimpleUploadedFile("terug.csv", challenges, content_type="text/csv")},
    )
    result = challenge_preview.context["result"]
    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 0, 0, 1)


def test_export_query_count_does_not_grow_with_rows(
    client, zh_coordinator, django_assert_max_num_queries
):
    OrganisationFactory.create_batch(3, topics=["ml"])
    with django_assert_max_num_queries(30) as few:
        client.get(url(ORGS, "export"))
    OrganisationFactory.create_batch(30, topics=["ml"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url(ORGS, "export"))
    assert response.content.decode("utf-8-sig").count("\n") == 34


# Who may -----------------------------------------------------------------------------------------


ALL_VIEWS = [
    (model, suffix)
    for model in (ORGS, CHALLENGES)
    for suffix in ("import", "import_confirm", "import_example", "export")
]


@pytest.mark.parametrize(("model", "suffix"), ALL_VIEWS)
def test_anonymous_visitor_is_sent_to_log_in(client, model, suffix):
    response = client.get(url(model, suffix))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize(("model", "suffix"), ALL_VIEWS)
@pytest.mark.parametrize("persona", ["member", "outsider"])
def test_people_without_staff_access_are_sent_to_the_admin_login(
    client, request, persona, model, suffix
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(url(model, suffix))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize(("model", "suffix"), ALL_VIEWS)
def test_staff_without_permission_on_the_model_get_403(client, model, suffix):
    login_with_second_factor(client, UserFactory(is_staff=True))

    assert client.get(url(model, suffix)).status_code == 403


def test_staff_without_permission_cannot_post_an_upload(client):
    login_with_second_factor(client, UserFactory(is_staff=True))

    response = upload(client, ORGS, *ORGANISATION_ROWS)

    assert response.status_code == 403
    assert not Organisation.objects.filter(ref="hs-west").exists()


def test_other_hub_coordinator_exports_only_their_own_region(
    client, north_coordinator, two_regions
):
    login_with_second_factor(client, north_coordinator)

    organisations = client.get(url(ORGS, "export")).content.decode("utf-8-sig")
    challenges = client.get(url(CHALLENGES, "export")).content.decode("utf-8-sig")

    assert "Zuivel Noord" in organisations and "Bakkerij De Korenbloem" not in organisations
    assert "Melk tellen" in challenges and "Brood uit de oven voorspellen" not in challenges


def test_national_admin_imports_nationwide_with_one_audit_event_per_province(client):
    login_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True))

    preview = upload(
        client,
        ORGS,
        ORGANISATIONS_HEADER,
        "gr-1,Groninger Bedrijf,sme,NL-GR,,,,,,,",
        "zh-1,Haags Bedrijf,sme,NL-ZH,,,,,,,",
        "zh-2,Delfts Bedrijf,sme,NL-ZH,,,,,,,",
    )
    confirm(client, ORGS, preview)

    assert Organisation.objects.filter(ref__in=["gr-1", "zh-1", "zh-2"]).count() == 3
    assert {event.province.code: event.after["created"] for event in AuditEvent.objects.all()} == {
        "NL-GR": 1,
        "NL-ZH": 2,
    }


def test_preview_query_count_does_not_grow_with_rows(
    client, zh_coordinator, django_assert_max_num_queries
):
    def rows(count):
        # Every row but the first names the first as its parent.
        return [
            f"r{n},Organisatie {n},sme,NL-ZH,ml,energy,,1,false,,{'r0' if n else ''}"
            for n in range(count)
        ]

    with django_assert_max_num_queries(40) as few:
        upload(client, ORGS, ORGANISATIONS_HEADER, *rows(5))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = upload(client, ORGS, ORGANISATIONS_HEADER, *rows(60))
    assert response.context["result"].created == 60


def test_the_review_queue_keeps_its_own_list_without_import_or_export(client, zh_coordinator):
    response = client.get(reverse("admin:challenges_challengetoreview_changelist"))

    assert response.status_code == 200
    assert "admin/challenges/challengetoreview/change_list.html" in [
        template.name for template in response.templates
    ]
    assert "export_selected_csv" not in response.context["cl"].model_admin.get_actions(
        response.wsgi_request
    )
    assert url(CHALLENGES, "import") not in response.content.decode()


def test_the_challenge_list_offers_the_export_action(client, zh_coordinator):
    response = client.get(url(CHALLENGES, "changelist"))

    assert "export_selected_csv" in response.context["cl"].model_admin.get_actions(
        response.wsgi_request
    )


def test_a_hub_coordinator_gets_an_example_that_imports_in_their_region(client, zh_coordinator):
    """Issue 12: the example on the import page was refused for a hub coordinator, because
    of its rows outside the region. Theirs is made for the region, and the page says so."""
    import csv

    from apps.challenges.exchange import challenges_import
    from apps.organisations.exchange import organisations_import

    page = client.get(url(ORGS, "import"))
    assert "made for your region" in page.content.decode()
    allowed = ["NL-ZH"]
    raw = (Path(settings.BASE_DIR) / "docs" / "examples" / "organisations.csv").read_text(
        encoding="utf-8"
    )
    refused = organisations_import(
        file=io.StringIO(raw), dry_run=True, by=zh_coordinator, allowed_provinces=allowed
    )
    assert refused.errors  # the file as it is: rows in Zeeland and Friesland

    for model, importer in ((ORGS, organisations_import), (CHALLENGES, challenges_import)):
        response = client.get(url(model, "import_example"))
        text = b"".join(response.streaming_content).decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows and {row["province"] for row in rows} == {"NL-ZH"}
        result = importer(file=io.StringIO(text), by=zh_coordinator, allowed_provinces=allowed)
        assert not result.errors, [str(error) for error in result.errors]
    assert Organisation.objects.filter(ref="lab-delta-ai-nl-zh", province__code="NL-ZH").exists()
    assert (
        Challenge.objects.get(ref="fryslan-melk-nl-zh").organisation.ref == "zuivel-fryslan-nl-zh"
    )
