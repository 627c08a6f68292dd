"""Errors as `application/problem+json` (RFC 9457), in Dutch and English.

The body carries `type`, `title`, `status`, `detail` and `instance`; `title` is in the
language the request asked for (`Accept-Language`, Dutch by default) and `title_nl` /
`title_en` carry both, so a client can show either without asking twice. Validation errors add
`invalid_params` (`name`, `reason`), as the NL API Design Rules' problem extension does.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, JsonResponse

from .language import api_language

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Relative URIs of the docs page's section on errors: stable names a client can branch on.
TYPE_BASE = "/api/v1/docs#problem-"


@dataclass(frozen=True)
class Problem:
    slug: str
    status: int
    title_nl: str
    title_en: str


BAD_REQUEST = Problem("bad-request", 400, "Ongeldig verzoek", "Bad request")
INVALID_PARAMS = Problem(
    "invalid-params",
    400,
    "Een of meer parameters zijn ongeldig",
    "One or more parameters are invalid",
)
UNAUTHORIZED = Problem(
    "unauthorized", 401, "Niet aangemeld met een geldig token", "Not signed in with a valid token"
)
FORBIDDEN = Problem("forbidden", 403, "Geen toegang", "Forbidden")
NOT_FOUND = Problem("not-found", 404, "Niet gevonden", "Not found")
METHOD_NOT_ALLOWED = Problem(
    "method-not-allowed", 405, "Methode niet toegestaan", "Method not allowed"
)
CONFLICT = Problem("conflict", 409, "Conflict", "Conflict")
UNPROCESSABLE = Problem(
    "unprocessable", 422, "Het verzoek kan niet worden verwerkt", "The request cannot be processed"
)
TOO_MANY_REQUESTS = Problem("too-many-requests", 429, "Te veel verzoeken", "Too many requests")
SERVER_ERROR = Problem("server-error", 500, "Interne fout", "Internal server error")

BY_STATUS = {
    problem.status: problem
    for problem in (
        BAD_REQUEST,
        UNAUTHORIZED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        CONFLICT,
        UNPROCESSABLE,
        TOO_MANY_REQUESTS,
        SERVER_ERROR,
    )
}
ALL_PROBLEMS = (INVALID_PARAMS, *BY_STATUS.values())


def problem_for_status(status: int) -> Problem:
    if status in BY_STATUS:
        return BY_STATUS[status]
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return Problem(f"http-{status}", status, phrase, phrase)


def problem_response(
    request: HttpRequest,
    problem: Problem,
    *,
    detail: str = "",
    invalid_params: list[dict[str, str]] | None = None,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    language = api_language(request)
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.slug,
        "title": problem.title_en if language == "en" else problem.title_nl,
        "title_nl": problem.title_nl,
        "title_en": problem.title_en,
        "status": problem.status,
        "detail": detail,
        "instance": request.path,
    }
    if invalid_params is not None:
        body["invalid_params"] = invalid_params
    if code:
        body["code"] = code
    response = JsonResponse(
        body,
        status=problem.status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
