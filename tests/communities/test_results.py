"""Results: knowledge items with checked uploads, and what each participant learned."""

import io
import zipfile
from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.communities.models import LearningRecord
from apps.knowledge.models import KnowledgeItem
from apps.knowledge.validators import sanitise_upload_name, sniff_file_type
from tests.communities.factories import LearningRecordFactory
from tests.communities.helpers import english, english_page
from tests.knowledge.factories import KnowledgeItemFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


def image(pillow_format: str) -> bytes:
    """A real image: uploads are decoded, so a signature alone is refused."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 60)).save(buffer, pillow_format)
    return buffer.getvalue()


PNG = image("PNG")
JPEG = image("JPEG")


def office_file(folder: str, *, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}/document.xml", "<doc/>")
        if macro:
            archive.writestr(f"{folder}/vbaProject.bin", b"\x00")
    return buffer.getvalue()


def open_document(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def result_url(community):
    return reverse("communities:add_result", args=[community.slug])


def result_data(**overrides):
    data = {
        "title": "Voorspelmodel voor de bakkerij",
        "kind": "case",
        "summary": "Hoe een kleine bakkerij met een eenvoudig model minder weggooit.",
        "body": "",
        "link": "",
        "licence": "cc-by-4.0",
        "visibility": "public",
        "topics": [],
        "sectors": [],
    }
    data.update(overrides)
    return data


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- Adding a result --------------------------------------------------------------------------


def test_member_adds_a_result_with_a_file(client, member, community, media):
    client.force_login(member)
    response = client.post(
        result_url(community), result_data(file=upload("Verslag eindfase (v2).PDF", PDF))
    )

    assert response.status_code == 302
    item = KnowledgeItem.objects.get()
    assert item.source_community == community
    assert item.author == member
    assert item.slug == "voorspelmodel-voor-de-bakkerij"
    assert item.file.name.startswith("knowledge/")
    assert item.file.name.endswith("/verslag-eindfase-v2.pdf")
    assert (media / item.file.name).read_bytes() == PDF
    page = client.get(community.get_absolute_url())
    assert [result.pk for result in page.context["page"].results] == [item.pk]


def test_a_link_alone_is_enough(client, member, community):
    client.force_login(member)
    client.post(result_url(community), result_data(link="https://github.com/voorbeeld/tool"))
    assert KnowledgeItem.objects.get().link == "https://github.com/voorbeeld/tool"


def test_a_result_needs_a_file_or_a_link(client, member, community):
    client.force_login(member)
    response = client.post(result_url(community), result_data())
    assert response.context["form"].has_error("file", "file_or_link_required")
    assert not KnowledgeItem.objects.exists()


def test_double_submit_adds_one_result(client, member, community):
    client.force_login(member)
    client.post(result_url(community), result_data(link="https://example.nl/a"))
    client.post(result_url(community), result_data(link="https://example.nl/a"))
    assert KnowledgeItem.objects.count() == 1


def test_too_big_file_is_refused(client, member, community, settings):
    settings.KNOWLEDGE_UPLOAD_MAX_BYTES = 1000
    client.force_login(member)
    big = PDF + b"0" * 2000
    response = client.post(result_url(community), result_data(file=upload("groot.pdf", big)))
    assert response.context["form"].has_error("file", "file_too_big")
    assert not KnowledgeItem.objects.exists()


def test_limit_defaults_to_ten_megabytes(settings):
    from apps.knowledge.validators import max_upload_bytes

    if hasattr(settings, "KNOWLEDGE_UPLOAD_MAX_BYTES"):
        del settings.KNOWLEDGE_UPLOAD_MAX_BYTES
    assert max_upload_bytes() == 10 * 1024 * 1024


@pytest.mark.parametrize("name", ["installer.exe", "pagina.html", "plaatje.svg", "geen-extensie"])
def test_file_types_not_on_the_list_are_refused(client, member, community, name):
    client.force_login(member)
    response = client.post(result_url(community), result_data(file=upload(name, b"MZ\x90\x00")))
    assert response.context["form"].has_error("file", "file_type_not_allowed")
    assert not KnowledgeItem.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", PNG),
        ("foto.png", JPEG),
        ("foto.jpg", PDF),
        ("notities.txt", PDF),
        ("data.csv", PNG),
        ("verslag.docx", office_file("xl")),
        ("tabel.xlsx", office_file("word")),
        ("verslag.odt", open_document("application/vnd.oasis.opendocument.spreadsheet")),
        ("verslag.docx", open_document("application/vnd.oasis.opendocument.text")),
    ],
)
def test_extension_spoofing_is_refused_with_what_the_content_is(
    client, member, community, name, content
):
    client.force_login(member)
    response = client.post(
        english("communities:add_result", community.slug), result_data(file=upload(name, content))
    )
    form = response.context["form"]
    assert form.has_error("file", "file_type_mismatch")
    assert "but its content is" in response.text
    assert not KnowledgeItem.objects.exists()


def test_binary_file_named_as_text_is_refused(client, member, community):
    client.force_login(member)
    content = bytes(range(256)) * 4
    response = client.post(result_url(community), result_data(file=upload("x.txt", content)))
    assert response.context["form"].has_error("file", "file_content_unknown")
    assert not KnowledgeItem.objects.exists()


def test_office_file_with_macros_is_refused(client, member, community):
    client.force_login(member)
    response = client.post(
        result_url(community),
        result_data(file=upload("verslag.docx", office_file("word", macro=True))),
    )
    assert response.context["form"].has_error("file")
    assert not KnowledgeItem.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.pdf", PDF, "pdf"),
        ("a.png", PNG, "png"),
        ("a.jpeg", JPEG, "jpeg"),
        ("a.docx", office_file("word"), "docx"),
        ("a.xlsx", office_file("xl"), "xlsx"),
        ("a.pptx", office_file("ppt"), "pptx"),
        ("a.odt", open_document("application/vnd.oasis.opendocument.text"), "odt"),
        ("a.ods", open_document("application/vnd.oasis.opendocument.spreadsheet"), "ods"),
        ("a.odp", open_document("application/vnd.oasis.opendocument.presentation"), "odp"),
        ("a.md", "# Les\n\nWat we leerden – één ding.".encode(), "text"),
        ("a.csv", "product;aantal\nbrood;12\n".encode("cp1252"), "text"),
    ],
)
def test_allowed_types_are_recognised_and_accepted(client, member, community, name, content, kind):
    assert sniff_file_type(upload(name, content)) == kind
    client.force_login(member)
    response = client.post(result_url(community), result_data(file=upload(name, content)))
    assert response.status_code == 302
    assert KnowledgeItem.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\jan\\Mijn Verslag.PDF", "mijn-verslag.pdf"),
        ("ëén résumé.docx", "een-resume.docx"),
        ("<script>.csv", "script.csv"),
        (".verborgen.txt", "verborgen.txt"),
        ("---.pdf", "file.pdf"),
        ("a" * 300 + ".txt", "a" * 60 + ".txt"),
    ],
)
def test_file_names_are_made_safe(name, safe):
    assert sanitise_upload_name(name) == safe


def test_results_on_the_page_follow_knowledge_visibility(client, outsider, member, community):
    KnowledgeItemFactory(source_community=community, title="Voor iedereen")
    KnowledgeItemFactory(source_community=community, title="Voor de regio", visibility="hub")
    for person, titles in ((None, ["Voor iedereen"]), (member, ["Voor de regio", "Voor iedereen"])):
        client.logout()
        if person:
            client.force_login(person)
        results = client.get(community.get_absolute_url()).context["page"].results
        assert sorted(item.title for item in results) == titles
    client.force_login(outsider)
    results = client.get(community.get_absolute_url()).context["page"].results
    assert [item.title for item in results] == ["Voor iedereen"]


# --- Learning records -------------------------------------------------------------------------


def learning_url(community):
    return reverse("communities:learning", args=[community.slug])


def test_participant_writes_and_rewrites_one_learning_record(client, member, community):
    client.force_login(member)
    client.post(learning_url(community), {"text": "Ik lees nu een voorspelling."})
    client.post(learning_url(community), {"text": "Ik stuur de planning bij op het model."})

    record = LearningRecord.objects.get(community=community, user=member)
    assert record.text == "Ik stuur de planning bij op het model."
    page = client.get(english_page(community))
    entry = page.context["page"].learning[0]
    assert entry.record == record
    assert entry.membership.role == "lecturer"
    assert escape(member.full_name) in page.text
    assert "lecturer" in page.text


def test_learning_record_is_limited_to_3000_characters(client, member, community):
    client.force_login(member)
    response = client.post(learning_url(community), {"text": "x" * 3001})
    assert response.context["form"].has_error("text")
    assert not LearningRecord.objects.exists()


def test_learning_form_shows_the_existing_record(client, member, community):
    LearningRecordFactory(community=community, user=member, text="Eerder geleerd")
    client.force_login(member)
    assert "Eerder geleerd" in client.get(learning_url(community)).text


def test_page_links_a_result_to_its_page_and_download(client, member, community):
    client.force_login(member)
    client.post(result_url(community), result_data(file=upload("verslag.pdf", PDF)))
    item = KnowledgeItem.objects.get()
    text = client.get(community.get_absolute_url()).text
    assert reverse("knowledge:detail", kwargs={"slug": item.slug}) in text
    assert reverse("knowledge:download", kwargs={"slug": item.slug}) in text


def test_a_members_only_communitys_result_form_starts_members_only(client):
    from apps.challenges.models import Visibility
    from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory

    community = LearningCommunityFactory(is_public=False)
    member = CommunityMembershipFactory(community=community).user
    client.force_login(member)
    response = client.get(reverse("communities:add_result", kwargs={"slug": community.slug}))
    assert response.context["form"]["visibility"].value() == Visibility.MEMBERS
