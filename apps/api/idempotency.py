"""The `Idempotency-Key` header of the writes: a retry with the same key and body gets the
stored answer (with `Idempotent-Replayed: true`) instead of doing the work twice; the same
key with another request is refused (422). The rules are in `services.idempotent_request_*`;
this is the HTTP side."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Header

from .services import idempotent_request_claim, idempotent_request_complete

REPLAYED_HEADER = "Idempotent-Replayed"


def idempotency_key_header():
    """The header as a parameter of every write (`key: str | None = idempotency_key_header()`),
    so the OpenAPI document describes it."""
    return Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        # Printable ASCII, as a header's text should be (a NUL could not even be stored).
        pattern=r"^[\x20-\x7e]+$",
        description=(
            "Any unique string of printable ASCII (a UUID, say) you choose per intended "
            "write. A retry with the "
            "same key and body gets the first answer again, with `Idempotent-Replayed: true`; "
            "the same key with another body is refused (422). Kept 24 hours."
        ),
    )


def body_hash(payload: Any) -> str:
    """The body as parsed (keys sorted), so a retry that serialises it differently matches."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def json_answer(body: dict[str, Any], *, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def idempotently(
    request: HttpRequest,
    key: str | None,
    payload: Any,
    run: Callable[[], JsonResponse],
) -> HttpResponse:
    """Answer with `run()`, or with the answer stored for `key` when this is a retry.

    Without a key the write simply runs (the services' own safeguards, such as a challenge's
    creation token, still keep a double submit from duplicating)."""
    if not key:
        return run()
    with transaction.atomic():
        row, replay = idempotent_request_claim(
            user=request.api_user,
            key=key,
            method=request.method,
            path=request.path,
            body_hash=body_hash(payload),
        )
        if replay:
            response = json_answer(row.response_body, status=row.status)
            response[REPLAYED_HEADER] = "true"
            return response
        response = run()
        idempotent_request_complete(
            request_row=row, status=response.status_code, body=json.loads(response.content)
        )
        return response
