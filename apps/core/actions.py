"""The one way a page's POST action reports its outcome: a button that asks a service to do
something (submit, close, approve, decline) shows the service's refusal as an error message,
or its own sentence as a success, and goes back to a page. Form pages report a refusal on the
form instead (`form.add_error`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.functional import Promise


def refusal_text(error: ValidationError) -> str:
    """A service's refusal as one sentence for a message."""
    return " ".join(error.messages)


def posted_action(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    done: str | Promise | Callable[[], str] | None,
    then: str,
    refused_then: Mapping[str, str] | None = None,
) -> HttpResponseRedirect:
    """Run `action`; on a ValidationError show its text and go to `then` (or to the page
    `refused_then` names for the error's code), else show `done` (a sentence, or a function
    that words it once the action has run) and go to `then`."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect((refused_then or {}).get(getattr(error, "code", None) or "", then))
    if done:
        messages.success(request, done() if callable(done) else done)
    return redirect(then)
