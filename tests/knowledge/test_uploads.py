"""Upload checks look at the content, not the name: each attack below was accepted when only
the first bytes and the extension were compared, and real files of every allowed kind pass."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from apps.knowledge import validators
from apps.knowledge.models import KnowledgeItem
from apps.knowledge.services import knowledge_item_create
from apps.knowledge.validators import validate_knowledge_upload

MEGABYTE = 1024 * 1024
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Wat we leerden</w:t></w:r></w:p></w:body></w:document>"
)
PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        validate_knowledge_upload(upload(name, content))
    return refused.value


def docx(*, extra: dict[str, int] | None = None, members: int = 0) -> bytes:
    """A real (small) Word document, as Word lays it out; `extra` adds parts of that many
    zero bytes (written in pieces, so the test never holds them in memory), `members` adds
    that many tiny parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELATIONSHIPS)
        archive.writestr("word/document.xml", DOCUMENT)
        for name, size in (extra or {}).items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as part:
                for _ in range(size // MEGABYTE):
                    part.write(bytes(MEGABYTE))
                part.write(bytes(size % MEGABYTE))
        for number in range(members):
            archive.writestr(f"word/media/image{number}.xml", "<x/>")
    return buffer.getvalue()


def png(size: tuple[int, int] = (12, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), (20, 130, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# --- The four attacks ---------------------------------------------------------------------------


def test_zip_bomb_named_docx_is_refused_without_unpacking_it():
    bomb = docx(extra={"word/media/image1.bin": 200 * MEGABYTE})
    assert len(bomb) < MEGABYTE  # 200 MB of zeros pack into a few hundred kilobytes

    error = refusal("verslag.docx", bomb)

    assert error.code == "archive_too_big"
    assert "200" in str(error.message % error.params)


def test_svg_with_a_script_named_txt_is_refused():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script></svg>\n"
    )

    error = refusal("notities.txt", svg)

    assert error.code == "file_type_mismatch"
    assert error.params["found"] == validators.OTHER_CONTENT["svg"]


def test_html_page_named_md_is_refused():
    page = (
        b"<!DOCTYPE html>\n<html><head><title>Les</title></head>"
        b"<body><h1>Les</h1><script>fetch('/accounts/email/')</script></body></html>\n"
    )

    error = refusal("les.md", page)

    assert error.code == "file_type_mismatch"
    assert error.params["found"] == validators.OTHER_CONTENT["html"]


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + b"<html><body><script>alert(1)</script></body></html>",
    ],
    ids=["signature-then-html", "signature-and-header-then-html"],
)
def test_png_header_followed_by_html_is_refused(content):
    error = refusal("foto.png", content)

    assert error.code in {"file_content_unknown", "image_damaged"}


@pytest.mark.django_db
def test_the_service_checks_the_content_too(settings, tmp_path):
    """Admin, community results and any later caller store files through the service."""
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as refused:
        knowledge_item_create(
            title="Verslag",
            kind=KnowledgeItem.Kind.CASE,
            summary="Wat we leerden.",
            author=None,
            file=upload("verslag.docx", docx(extra={"word/media/image1.bin": 200 * MEGABYTE})),
        )
    assert refused.value.code == "archive_too_big"
    assert not KnowledgeItem.objects.exists()
    assert not any(tmp_path.iterdir())


def test_refusals_say_in_dutch_what_the_content_is():
    error = refusal("notities.txt", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')

    with translation.override("nl"):
        message = " ".join(error.messages)

    assert "maar de inhoud is een SVG-afbeelding" in message


# --- More of the same kind ----------------------------------------------------------------------


def test_office_file_packed_too_tightly_is_refused(monkeypatch):
    monkeypatch.setattr(validators, "MAX_UNPACKED_BYTES", 100 * MEGABYTE)
    bomb = docx(extra={"word/media/image1.bin": 20 * MEGABYTE})

    error = refusal("verslag.docx", bomb)

    assert error.code == "archive_ratio"


def test_office_file_with_too_many_parts_is_refused(monkeypatch):
    monkeypatch.setattr(validators, "MAX_ARCHIVE_MEMBERS", 50)

    assert refusal("verslag.docx", docx(members=60)).code == "archive_too_many_members"
    validate_knowledge_upload(upload("verslag.docx", docx(members=40)))


def test_image_with_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(validators, "MAX_IMAGE_PIXELS", 10_000)

    error = refusal("foto.png", png((200, 100)))

    assert error.code == "image_too_large"
    validate_knowledge_upload(upload("foto.png", png((100, 100))))


def test_truncated_image_is_refused():
    assert refusal("foto.jpg", jpeg()[:-40]).code == "image_damaged"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("# Les\n\nWat we leerden.\n\n<script>alert(1)</script>\n", "<script>"),
        ("# Les\n\n<iframe src='https://example.nl'></iframe>\n", "<iframe>"),
        ("# Les\n\n<svg/onload=alert(1)>\n", "<svg>"),
        ('# Les\n\n<img src="x.png" onerror="alert(1)">\n', "onerror="),
        ("# Les\n\n[Lees meer](javascript:alert(1))\n", "javascript:"),
        ('# Les\n\n<a href="jav&#x09;ascript:alert(1)">meer</a>\n', "javascript:"),
        ("# Les\n\n<a href='data:text/html,<b>x</b>'>meer</a>\n", "data:text/html"),
        ("naam;opmerking\nJan;<object data=x></object>\n", "<object>"),
    ],
)
def test_text_with_markup_a_browser_would_run_is_refused(text, found):
    name = "data.csv" if text.startswith("naam") else "les.md"

    error = refusal(name, text.encode())

    # libmagic already calls some of these an HTML page; the rest are found in the text.
    assert error.code in {"text_has_markup", "file_type_mismatch"}
    assert validators.find_active_markup(text) == found


def test_text_must_be_utf8():
    error = refusal("data.csv", "product;prijs\ncroissant;€ 1,20\n".encode("cp1252"))

    assert error.code == "text_not_utf8"


def test_text_must_not_hold_nul_or_control_characters():
    nul = refusal("notities.txt", b"Notities\n\x00\x00\x00verborgen")
    assert nul.code in {"text_not_plain", "file_content_unknown"}  # libmagic: binary data
    assert refusal("notities.txt", b"Notities\n\x1b[31mrood\n").code == "text_not_plain"


def test_whole_text_file_is_checked_not_only_its_start():
    text = "# Les\n\n" + "Een regel tekst.\n" * 5000 + "<script>alert(1)</script>\n"

    assert refusal("les.md", text.encode()).code == "text_has_markup"


# --- Legitimate files pass -------------------------------------------------------------------


def test_a_real_docx_passes():
    validate_knowledge_upload(upload("verslag.docx", docx()))


def test_a_real_png_and_jpeg_pass():
    validate_knowledge_upload(upload("foto.png", png()))
    validate_knowledge_upload(upload("foto.jpg", jpeg()))


def test_a_pdf_passes():
    validate_knowledge_upload(upload("verslag.pdf", PDF))


@pytest.mark.parametrize(
    "text",
    [
        "# Les\n\nWat we leerden – één ding, met een [link](https://example.nl).\n",
        "# Les\n\nRegel één<br>regel twee.\n\n<details><summary>Meer</summary>Uitleg</details>\n",
        "# JavaScript\n\nJavaScript: een taal voor websites (JavaScript: zie de cursus).\n",
        "Zie <https://example.nl> en mail <info@example.nl>; 3 < 4 en x<y.\n",
        '<img src="schema.png" alt="Schema">\n\nDe button heeft een onclick-handler nodig.\n',
        "\ufeffproduct;aantal\nbrood;12\n",
        "From: Jan\nTo: Piet\nSubject: verslag\n\nHier het verslag van de sessie.\n",
    ],
)
def test_plain_text_and_markdown_pass(text):
    validate_knowledge_upload(upload("les.md", text.encode()))
    validate_knowledge_upload(upload("les.txt", text.encode()))
