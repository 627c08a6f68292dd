"""What may be uploaded as a knowledge item's file.

A file is accepted when its size is within `settings.KNOWLEDGE_UPLOAD_MAX_BYTES` (10 MB by
default), its extension is on the list below, and its first bytes (and, for zip-based office
formats, its table of contents) show that it really is that kind of file. The browser's
Content-Type is not looked at: the sender chooses it. A renamed file ("photo.png" saved as
"report.pdf") is refused with a message that says what the content is.

Nothing is unpacked: for zip-based formats only the zip's directory of names is read.
"""

from __future__ import annotations

import codecs
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SNIFF_BYTES = 8192
MAX_STEM_LENGTH = 60


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

_OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
# Descriptions of recognised content that is never allowed, for a clearer message.
_OTHER_CONTENT = {"zip": _("a zip archive"), "macro": _("an office file with macros")}


def max_upload_bytes() -> int:
    return getattr(settings, "KNOWLEDGE_UPLOAD_MAX_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def _zip_kind(upload) -> str:
    """ "docx"/"xlsx"/"pptx"/"odt"/"ods"/"odp" for office files, "macro" for macro-enabled
    ones, "zip" for any other readable zip, "" when it is not a readable zip."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    mimetype = archive.read("mimetype").strip()
                    if mimetype in _ODF_MIMETYPES:
                        return _ODF_MIMETYPES[mimetype]
            if "[Content_Types].xml" in names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    return "macro"
                for folder, kind in _OOXML_FOLDERS.items():
                    if any(name.startswith(folder) for name in names):
                        return kind
            return "zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, RuntimeError):
        return ""
    finally:
        upload.seek(0)


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 (or Windows-1252, as Excel writes CSV) without control characters."""
    if b"\x00" in head:
        return False
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return not any(ord(char) < 32 and char not in "\t\n\r\f" for char in text)


def sniff_file_type(upload) -> str:
    """The kind of content in `upload` (a key of FILE_TYPES, "zip", "macro"), or ""."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    if _looks_like_text(head):
        return "text"
    return ""


def _describe(kind: str) -> str:
    if kind in FILE_TYPES:
        return FILE_TYPES[kind].label
    return _OTHER_CONTENT.get(kind, _("an unknown kind of file"))


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
