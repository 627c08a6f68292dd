"""The API's pages on the site: the reference page (from the OpenAPI document) and a
person's tokens."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import problems
from .api import api
from .forms import ApiTokenForm
from .selectors import api_token_get_for_user, api_token_list_for_user
from .services import CreatedToken, api_token_create, api_token_revoke

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(schema: dict | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list[{_schema_name(schema.get('items'))}]"
    if "anyOf" in schema:
        return " | ".join(_schema_name(part) for part in schema["anyOf"])
    return schema.get("type", "")


def reference_operations(document: dict) -> list[dict]:
    """Each operation of the OpenAPI document as the reference page lists it."""
    operations = []
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = []
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                media, body = next(iter(content.items()), ("", {}))
                responses.append(
                    {"status": status, "media": media, "schema": _schema_name(body.get("schema"))}
                )
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": operation.get("operationId", ""),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "token": [s for s in operation.get("security", []) if s],
                    "token_optional": {} in operation.get("security", []),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "schema": _schema_name(p.get("schema")),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "request_body": _schema_name(body.get("schema")) if body else "",
                    "responses": responses,
                }
            )
    return operations


def reference_page(request):
    document = api.get_openapi_schema()
    return render(
        request,
        "api/reference.html",
        {
            "document": document,
            "operations": reference_operations(document),
            "problems": problems.ALL_PROBLEMS,
            "schemas": sorted(document.get("components", {}).get("schemas", {})),
        },
    )


# Where a new token's secret waits for the one page that shows it (see `token_list`).
NEW_TOKEN_SESSION_KEY = "api_new_token"


@login_required
def token_list(request):
    """The person's tokens and the form for a new one. A new token's secret is never stored
    with it, so it is shown once: the form's answer redirects, so that reloading the page
    does not send the form again (and make a second token), and the page it leads to takes
    the secret out of the session, where it waited for that one request."""
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expires_on = form.cleaned_data["expires_on"]
        expires_at = (
            timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.max))
            if expires_on
            else None
        )
        created = api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            expires_at=expires_at,
        )
        request.session[NEW_TOKEN_SESSION_KEY] = {
            "pk": created.token.pk,
            "secret": created.secret,
        }
        return redirect("api_tokens:list")
    created = _new_token_shown_once(request)
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": api_token_list_for_user(user=request.user)},
    )
    if created:
        response["Cache-Control"] = "no-store"
    return response


def _new_token_shown_once(request) -> CreatedToken | None:
    """The token made by the form just sent, with its secret, taken out of the session."""
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    if new_token is None:
        return None
    token = api_token_get_for_user(user=request.user, pk=new_token["pk"])
    return CreatedToken(token=token, secret=new_token["secret"]) if token else None


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    """Asks first (GET), then revokes (POST): a revoked token cannot come back, and whatever
    site or tool uses it stops working at once."""
    token = api_token_get_for_user(user=request.user, pk=pk)
    if token is None:
        raise Http404
    if request.method == "GET":
        if not token.is_usable:
            return redirect("api_tokens:list")
        return render(request, "api/token_revoke.html", {"token": token})
    api_token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
