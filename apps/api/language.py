"""The language of an API answer: the request's `Accept-Language` (Dutch or English), Dutch
when it names neither. The site's pages take the language from the URL prefix; the API has
one URL per resource and follows the header (and says so in `Content-Language`)."""

from __future__ import annotations

from django.http import HttpRequest

SUPPORTED = ("nl", "en")
DEFAULT = "nl"


def language_from_header(header: str) -> str:
    """The supported language the header prefers most (its q-values honoured)."""
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        base = tag.strip().lower().split("-")[0]
        if base in SUPPORTED and quality > 0:
            choices.append((-quality, index, base))
    return min(choices)[2] if choices else DEFAULT


def api_language(request: HttpRequest) -> str:
    return language_from_header(request.headers.get("Accept-Language", ""))
