"""Schemathesis hooks for a contract run against a running server (docs/api.md, "Contract
test"): `SCHEMATHESIS_HOOKS=tests.api.contract_hooks st run ...` from the repository's root.

One rule of the document is stated in words, not in the schema: an `Idempotency-Key` is
unique per intended write. A generator draws keys from a small space ("0", "a", ...), so two
different writes would share one and the second is refused (422, as the IETF draft on the
header asks); that is the key's promise working, not a defect. So a schema-valid case gets a
fresh key, as a client following the document would send. Cases that are meant to be invalid
keep the key drawn, so the checks of the header's own rules still run."""

from __future__ import annotations

import uuid

import schemathesis

IDEMPOTENCY_KEY = "Idempotency-Key"


@schemathesis.hook
def before_call(context, case, kwargs) -> None:
    headers = case.headers or {}
    if IDEMPOTENCY_KEY not in headers:
        return
    meta = case.meta
    if meta is not None and not meta.generation.mode.is_positive:
        return
    headers[IDEMPOTENCY_KEY] = str(uuid.uuid4())
