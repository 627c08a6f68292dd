"""What may be uploaded as a knowledge item's file.

A file is accepted when its size is within `settings.KNOWLEDGE_UPLOAD_MAX_BYTES` (10 MB by
default), its extension is on the list below, and its content really is that kind of file.
Neither the name nor the browser's Content-Type is trusted (the sender chooses both):

- puremagic (pure Python, file signatures) says what the content is; what it does not know
  and what decodes as UTF-8 counts as text, for the text checks below to decide;
- office files are zip packages: only the zip's central directory is read, never unpacked,
  to learn which kind of document the package is and to refuse zip bombs (total unpacked
  size, compression ratio, number of parts);
- images must decode with Pillow (verify, then load) within a pixel limit;
- text files must be UTF-8 text throughout, without markup that a browser would run.

A refusal says what the content is ("named .txt but its content is an SVG image").
"""

from __future__ import annotations

import html
import os
import re
import warnings
import zipfile
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# What the type detection looks at; the signatures of the allowed kinds need far less.
SNIFF_BYTES = 64 * 1024
MAX_STEM_LENGTH = 60
# Office files, from the zip's central directory. A real document of 10 MB unpacks to tens of
# megabytes at most; XML parts pack about 5-30 times, images and media hardly at all. The
# ratio is checked only on parts above a megabyte: small repetitive XML packs tighter, and
# what it could add is bounded by the total.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_ARCHIVE_MEMBERS = 2000
# Images are decoded in full to be checked: 50 million pixels (a 48-megapixel phone photo
# fits) take about 200 MB while checking; Pillow's own bomb limit is higher.
MAX_IMAGE_PIXELS = 50_000_000


@dataclass(frozen=True)
class FileType:
    label: str
    extensions: tuple[str, ...]


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType(_("a PDF document"), (".pdf",)),
    "png": FileType(_("a PNG image"), (".png",)),
    "jpeg": FileType(_("a JPEG image"), (".jpg", ".jpeg")),
    "docx": FileType(_("a Word document (docx)"), (".docx",)),
    "xlsx": FileType(_("an Excel workbook (xlsx)"), (".xlsx",)),
    "pptx": FileType(_("a PowerPoint presentation (pptx)"), (".pptx",)),
    "odt": FileType(_("an OpenDocument text (odt)"), (".odt",)),
    "ods": FileType(_("an OpenDocument spreadsheet (ods)"), (".ods",)),
    "odp": FileType(_("an OpenDocument presentation (odp)"), (".odp",)),
    "text": FileType(_("a plain text file"), (".txt", ".md", ".markdown", ".csv")),
}
TYPE_OF_EXTENSION = {
    extension: key for key, file_type in FILE_TYPES.items() for extension in file_type.extensions
}
ALLOWED_EXTENSIONS = tuple(TYPE_OF_EXTENSION)
# For the file input's `accept` attribute (a hint for the browser's file picker only).
ACCEPT_ATTRIBUTE = ",".join(ALLOWED_EXTENSIONS)
OFFICE_TYPES = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp"})
IMAGE_FORMATS = {"png": "PNG", "jpeg": "JPEG"}  # our kind -> Pillow's format name

# Descriptions of recognised content that is never allowed, for a clearer message.
OTHER_CONTENT = {
    "zip": _("a zip archive"),
    "macro": _("an office file with macros"),
    "html": _("an HTML web page"),
    "svg": _("an SVG image"),
    "xml": _("an XML document"),
    "program": _("a program"),
    "old-office": _("an older Office file (doc, xls or ppt)"),
}

# MIME types of the detected content. Zip packages are recognised by their signature as well:
# signature databases name an office file only when the part they expect comes first, which
# depends on the program that wrote it, so the package's own directory decides
# (see _package_kind).
_ZIP_SIGNATURE = b"PK\x03\x04"
_ZIP_MIME_TYPES = frozenset({"application/zip", "application/x-zip-compressed"})
_PACKAGE_MIME_PREFIXES = (
    "application/vnd.openxmlformats-officedocument.",
    "application/vnd.oasis.opendocument.",
)
_KIND_OF_MIME_TYPE = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpeg",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "image/svg+xml": "svg",
    "text/xml": "xml",
    "application/xml": "xml",
    "application/x-dosexec": "program",
    "application/x-executable": "program",
    "application/x-pie-executable": "program",
    "application/x-sharedlib": "program",
    "application/x-mach-binary": "program",
    "application/msword": "old-office",
    "application/vnd.ms-excel": "old-office",
    "application/vnd.ms-powerpoint": "old-office",
    "application/x-ole-storage": "old-office",
    "application/CDFV2": "old-office",
}
_TEXT_MIME_TYPES = frozenset({"application/json", "application/csv"})

_OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_ODF_MACRO_FOLDERS = ("Basic/", "Scripts/")

# Text: control characters other than tab, line breaks and form feed (C0, DEL and C1).
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Elements that run code, embed a document or change how the page around them behaves.
_ACTIVE_ELEMENTS = (
    "script|svg|math|html|head|body|iframe|frame|frameset|object|embed|applet|portal|base|"
    "meta|link|style|form|template"
)
_ACTIVE_TAG = re.compile(rf"<(?P<name>{_ACTIVE_ELEMENTS})(?=[\s/>]|$)", re.IGNORECASE)
_DECLARATION = re.compile(r"<(?P<name>!doctype\s+html|\?xml)", re.IGNORECASE)
_EVENT_HANDLER = re.compile(
    r"<[a-z][a-z0-9-]*[\s/][^<>]*?(?<=[\s/\"'])(?P<name>on[a-z]+)\s*=", re.IGNORECASE
)
# Browsers drop tabs and line breaks inside a URL's scheme ("java\tscript:").
_GAP = r"[\t\n\r]*"
_SCRIPT_SCHEME = (
    "(?:" + "|".join(_GAP.join(word) for word in ("javascript", "vbscript")) + f"){_GAP}:"
)
# A script URL where a link target goes (Markdown link or reference, autolink, attribute),
# or written without a space after the colon; "JavaScript: a language" stays plain text.
_SCRIPT_URL = re.compile(
    rf"(?:(?<=\]\()|(?<=\]:)|(?<=[<=\"'`]))\s*(?P<name>{_SCRIPT_SCHEME})"
    rf"|(?P<bare>{_SCRIPT_SCHEME})(?=\S)",
    re.IGNORECASE,
)
_ACTIVE_DATA_URL = re.compile(
    r"(?P<name>data\s*:\s*(?:text/html|image/svg\+xml|application/xhtml\+xml|text/javascript))",
    re.IGNORECASE,
)


def max_upload_bytes() -> int:
    return getattr(settings, "KNOWLEDGE_UPLOAD_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def _read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return head


def _package_members(upload) -> list[zipfile.ZipInfo] | None:
    """The zip's central directory (nothing is unpacked), or None when it is no readable zip."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    finally:
        upload.seek(0)


def _odf_mimetype(upload, member: zipfile.ZipInfo) -> bytes:
    """An OpenDocument package names its kind in a small uncompressed `mimetype` part."""
    if member.file_size > 100 or member.compress_size > 100:
        return b""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return archive.read(member).strip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return b""
    finally:
        upload.seek(0)


def _package_kind(upload) -> str:
    """ "docx"/"xlsx"/"pptx"/"odt"/"ods"/"odp" for office files, "macro" for ones with
    macros, "zip" for any other readable zip, "" when it is not a readable zip."""
    members = _package_members(upload)
    if members is None:
        return ""
    by_name = {member.filename: member for member in members}
    if "mimetype" in by_name:
        kind = _ODF_MIMETYPES.get(_odf_mimetype(upload, by_name["mimetype"]))
        if kind:
            if any(name.startswith(_ODF_MACRO_FOLDERS) for name in by_name):
                return "macro"
            return kind
    if "[Content_Types].xml" in by_name:
        if any(name.lower().endswith("vbaproject.bin") for name in by_name):
            return "macro"
        for folder, kind in _OOXML_FOLDERS.items():
            if any(name.startswith(folder) for name in by_name):
                return kind
    return "zip"


def sniff_file_type(upload) -> str:
    """The kind of content in `upload` (a key of FILE_TYPES or OTHER_CONTENT), or ""."""
    head = _read_head(upload)
    mime_type = _content_mime_type(head)
    if (
        head.startswith(_ZIP_SIGNATURE)
        or mime_type in _ZIP_MIME_TYPES
        or mime_type.startswith(_PACKAGE_MIME_PREFIXES)
    ):
        return _package_kind(upload)
    if mime_type in _KIND_OF_MIME_TYPE:
        return _KIND_OF_MIME_TYPE[mime_type]
    # Any text (source code, a pasted email, Markdown, CSV, ...): the text checks decide.
    if mime_type.startswith(("text/", "message/")) or mime_type in _TEXT_MIME_TYPES:
        return "text"
    if not mime_type and _looks_like_text(head):
        return "text"
    return ""


def _content_mime_type(head: bytes) -> str:
    """The MIME type of the best signature match for `head`, or "" when none fits (plain
    text has no signature). Executables carry no MIME type in puremagic, only a name."""
    try:
        best = puremagic.magic_string(head)[0]
    except (puremagic.PureError, IndexError, ValueError):
        return ""
    if best.mime_type:
        return best.mime_type
    if "executable" in best.name.lower():
        return "application/x-executable"
    return ""


def _looks_like_text(head: bytes) -> bool:
    """No signature and no NUL byte: text of some encoding. The text checks then say whether
    it is UTF-8 (a Windows-1252 CSV gets "save it as CSV UTF-8", not "unknown file")."""
    return b"\x00" not in head


def _describe(kind: str) -> str:
    if kind in FILE_TYPES:
        return FILE_TYPES[kind].label
    return OTHER_CONTENT.get(kind, _("an unknown kind of file"))


# --- Checks of the content, per kind ----------------------------------------------------------


def _check_package(upload, kind: str) -> None:
    """Limits on what the package would unpack to, read from its central directory."""
    members = _package_members(upload) or []
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ValidationError(
            _("This file consists of %(count)s parts; office files can have at most %(limit)s."),
            code="archive_too_many_members",
            params={"count": len(members), "limit": MAX_ARCHIVE_MEMBERS},
        )
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(
            _(
                "Unpacked, this file would take %(size)s; office files can be at most "
                "%(limit)s unpacked."
            ),
            code="archive_too_big",
            params={
                "size": filesizeformat(unpacked),
                "limit": filesizeformat(MAX_UNPACKED_BYTES),
            },
        )
    for member in members:
        if member.file_size <= RATIO_CHECKED_FROM_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise ValidationError(
                _(
                    "A part of this file unpacks to %(ratio)s times its packed size, as in a "
                    "zip bomb; office files can unpack to at most %(limit)s times."
                ),
                code="archive_ratio",
                params={"ratio": int(ratio), "limit": MAX_COMPRESSION_RATIO},
            )


def _image_problem(upload, pillow_format: str) -> str:
    """ "" when the image decodes in full within the pixel limit, else "too-large" or
    "damaged"."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return "too-large"
                image.verify()
            # verify() leaves the image unusable: open it again to decode every pixel.
            upload.seek(0)
            with Image.open(upload, formats=[pillow_format]) as image:
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "too-large"
    except Exception:  # Pillow's decoders fail on bad data with many kinds of error.
        return "damaged"
    finally:
        upload.seek(0)
    return ""


def _check_image(upload, kind: str) -> None:
    problem = _image_problem(upload, IMAGE_FORMATS[kind])
    if problem == "too-large":
        raise ValidationError(
            _("The image has more than %(limit)s million pixels. Make it smaller and try again."),
            code="image_too_large",
            params={"limit": MAX_IMAGE_PIXELS // 1_000_000},
        )
    if problem:
        raise ValidationError(
            _("The image cannot be read: it is damaged or not really %(expected)s."),
            code="image_damaged",
            params={"expected": FILE_TYPES[kind].label},
        )


def find_active_markup(text: str) -> str:
    """The first markup in `text` that a browser would run or that would embed a document
    ("<script>", "onload=", "javascript:"), or "". Harmless markup (<br>, <details>, links
    and images without handlers) is left to the Markdown it belongs to."""
    for pattern, template in (
        (_ACTIVE_TAG, "<{}>"),
        (_DECLARATION, "<{}"),
        (_EVENT_HANDLER, "{}="),
    ):
        match = pattern.search(text)
        if match:
            return template.format(match["name"].lower())
    # Character references hide a scheme in an attribute ("jav&#x09;ascript:").
    for candidate in (text, html.unescape(text)):
        for pattern in (_SCRIPT_URL, _ACTIVE_DATA_URL):
            match = pattern.search(candidate)
            if match:
                found = match["name"] or match.groupdict().get("bare") or ""
                return re.sub(r"\s", "", found).lower()
    return ""


def _check_text(upload, kind: str) -> None:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "This text file is not saved as UTF-8. Save it as UTF-8 (in Excel: “CSV "
                "UTF-8”) and try again."
            ),
            code="text_not_utf8",
        ) from None
    if _CONTROL_CHARACTER.search(text):
        raise ValidationError(
            _(
                "This text file contains characters that do not belong in text (such as NUL "
                "or other control characters)."
            ),
            code="text_not_plain",
        )
    markup = find_active_markup(text)
    if markup:
        raise ValidationError(
            _(
                "This text file contains code that a web browser would run (%(markup)s). "
                "Remove it, or upload the text as a PDF."
            ),
            code="text_has_markup",
            params={"markup": markup},
        )


_CONTENT_CHECKS = {
    **dict.fromkeys(OFFICE_TYPES, _check_package),
    **dict.fromkeys(IMAGE_FORMATS, _check_image),
    "text": _check_text,
}


def validate_knowledge_upload(upload) -> None:
    """Raise ValidationError (with a message for the person uploading) unless `upload` may be
    stored as a knowledge item's file."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; files can be at most %(limit)s."),
            code="file_too_big",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    extension = os.path.splitext(upload.name or "")[1].lower()
    expected = TYPE_OF_EXTENSION.get(extension)
    if expected is None:
        raise ValidationError(
            _(
                "Files of type “%(extension)s” cannot be uploaded. Allowed: PDF, PNG, JPEG, "
                "Word, Excel and PowerPoint (docx, xlsx, pptx), OpenDocument (odt, ods, odp) "
                "and plain text (txt, md, csv)."
            ),
            code="file_type_not_allowed",
            params={"extension": extension or _("no extension")},
        )
    found = sniff_file_type(upload)
    if found != expected:
        if found:
            raise ValidationError(
                _(
                    "The file is named “%(extension)s” but its content is %(found)s. Save it "
                    "in the right format, or give it the right extension."
                ),
                code="file_type_mismatch",
                params={"extension": extension, "found": _describe(found)},
            )
        raise ValidationError(
            _("The content of this file is not %(expected)s as its name says."),
            code="file_content_unknown",
            params={"expected": FILE_TYPES[expected].label},
        )
    check_content = _CONTENT_CHECKS.get(expected)
    if check_content is not None:
        check_content(upload, expected)


def sanitise_upload_name(name: str) -> str:
    """A safe storage name: no folders, only ASCII letters, digits and hyphens in the stem, a
    lower-case extension, and a length that fits the file field (storage adds a suffix when
    the name is taken)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    stem, extension = os.path.splitext(base)
    extension = extension.lower()
    if not extension[1:].isalnum():
        extension = ""
    stem = slugify(stem)[:MAX_STEM_LENGTH].strip("-_") or "file"
    return f"{stem}{extension}"
