"""The API object: routers, error handlers and the OpenAPI document (generated from the code;
`openapi_schema` only states what the error answers look like, which ninja cannot know)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as Refusal
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from apps.core.actions import refusal_text
from apps.core.transitions import StateConflict

from . import personal, problems, public, reference, writes
from .auth import InsufficientScope, InvalidToken, RateLimited
from .middleware import API_VERSION
from .services import IdempotencyKeyReused

DESCRIPTION = """The open API of AI Learning Communities (NL API Design Rules 2.0).
Public reads need no token; personal reads and writes take `Authorization: Bearer <token>`
(create one on your profile page). Errors are `application/problem+json` with the title in
Dutch and English. See the reference page at /api/v1/docs."""

# The error answers every operation may give, documented on each.
ERROR_STATUSES = ("400", "401", "403", "404", "405", "409", "422", "429")


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {}).update(_problem_schema())
        components.setdefault("securitySchemes", {})["TokenAuth"] = {
            "type": "http",
            "scheme": "bearer",
        }
        problem = {
            "content": {
                problems.PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
            }
        }
        headers = {
            "API-Version": {
                "description": "The version of the API that answered.",
                "schema": {"type": "string"},
            }
        }
        for component in components["schemas"].values():
            _reference_values_listed(component)
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                _facet_values_listed(operation)
                responses = operation.setdefault("responses", {})
                for status in ERROR_STATUSES:
                    responses[status] = {
                        "description": problems.BY_STATUS[int(status)].title_en,
                        **problem,
                        "headers": headers,
                    }
                for response in responses.values():
                    response.setdefault("headers", headers)
        return schema


def _facet_values_listed(operation: dict) -> None:
    """Each facet parameter's valid values as an enum (see `filters.FACET_FILTERS`)."""
    from django.conf import settings

    from .filters import facet_values

    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        facet = schema.pop("x-facet", None)
        if facet is not None and settings.API_OPENAPI_FACET_VALUES:
            schema.setdefault("items", {})["enum"] = facet_values(facet)


def _reference_values_listed(component: dict) -> None:
    """A write body's fields that name reference data (`x-reference`, see
    `writes.reference_values`) list the current keys as an enum."""
    from django.conf import settings

    for field in component.get("properties", {}).values():
        for branch in field.get("anyOf", [field]):
            name = branch.pop("x-reference", None)
            if name is None or not settings.API_OPENAPI_FACET_VALUES:
                continue
            target = branch["items"] if branch.get("type") == "array" else branch
            target["enum"] = reference.reference_keys(name)


def _problem_schema():
    from .schemas import Problem

    definition = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    nested = definition.pop("$defs", {})
    return {"Problem": definition, **nested}


api = Api(
    title="AI Learning Communities API",
    version=API_VERSION,
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
)

api.add_router("/challenges", public.challenges)
api.add_router("/organisations", public.organisations)
api.add_router("/communities", public.communities)
api.add_router("/hubs", public.hubs)
api.add_router("/knowledge-items", public.knowledge_items)
api.add_router("/reference", reference.router)
# `writes` adds the write operations to the same router (one path, one view per method).
api.add_router("/me", personal.router)


def _param_name(loc) -> str:
    """`("query", "page")` is `page`; a body's field `("body", "body", "title")` is `title`."""
    parts = [str(part) for part in loc[2 if loc and loc[0] == "body" else 1 :]]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError):
    invalid = [
        {"name": _param_name(error.get("loc", ())), "reason": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problems.problem_response(
        request,
        problems.INVALID_PARAMS,
        detail="; ".join(f"{p['name']}: {p['reason']}" for p in invalid),
        invalid_params=invalid,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404):
    return problems.problem_response(request, problems.NOT_FOUND)


@api.exception_handler(InvalidToken)
def _invalid_token(request: HttpRequest, exc: InvalidToken):
    return problems.problem_response(
        request,
        problems.UNAUTHORIZED,
        detail="The token is unknown, revoked or expired.",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError):
    return problems.problem_response(
        request,
        problems.UNAUTHORIZED,
        detail="Send a personal token: Authorization: Bearer <token>.",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(InsufficientScope)
def _insufficient_scope(request: HttpRequest, exc: InsufficientScope):
    return problems.problem_response(
        request,
        problems.FORBIDDEN,
        detail="This token may only read; writing needs a token with write scope.",
        headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
    )


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited):
    return problems.problem_response(
        request,
        problems.TOO_MANY_REQUESTS,
        detail=exc.detail,
        headers={"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    return problems.problem_response(
        request, problems.problem_for_status(exc.status_code), detail=str(exc)
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied):
    return problems.problem_response(request, problems.FORBIDDEN, detail=str(exc))


@api.exception_handler(writes.InvalidBody)
def _invalid_body(request: HttpRequest, exc: writes.InvalidBody):
    """The page's form refused the body: which fields, and why (in the request's language)."""
    return problems.problem_response(
        request, problems.UNPROCESSABLE, detail=str(exc), invalid_params=exc.invalid_params
    )


def _code(exc: Refusal) -> str | None:
    return getattr(exc, "code", None) or None


@api.exception_handler(Refusal)
def _refused(request: HttpRequest, exc: Refusal):
    """A service refused the write (the message the page would show)."""
    return problems.problem_response(
        request, problems.UNPROCESSABLE, detail=refusal_text(exc), code=_code(exc)
    )


@api.exception_handler(StateConflict)
def _conflict(request: HttpRequest, exc: StateConflict):
    """The object's current state refuses the write (the workflow does not allow the move, a
    partner the hub handles now, a draft without topics): the request itself was valid."""
    return problems.problem_response(
        request, problems.CONFLICT, detail=refusal_text(exc), code=_code(exc)
    )


@api.exception_handler(IdempotencyKeyReused)
def _key_reused(request: HttpRequest, exc: IdempotencyKeyReused):
    return problems.problem_response(
        request,
        problems.UNPROCESSABLE,
        detail="This Idempotency-Key was used for another request (method, path or body) in "
        "the last 24 hours. Use a new key for a new request.",
        code="idempotency_key_reused",
    )
