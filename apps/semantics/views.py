"""Topic suggestions for a profile text, for the organisation and profile forms (the
challenge form has its own, which marks the topics in its picker)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_POST

from .services import posted_text, topic_suggestions_shown

# The fields a suggestion may read, per form: the request names one of these sets.
SOURCES = {"organisation": ["description"], "profile": ["bio", "offer"]}


@login_required
@require_POST
def topic_suggestions(request):
    """htmx, while a description is typed: the box with the topics that fit it."""
    fields = SOURCES.get(request.POST.get("source", ""))
    if fields is None:
        return HttpResponseBadRequest()
    suggestions = topic_suggestions_shown(posted_text(request.POST, fields))
    return render(request, "semantics/_topic_suggestions.html", {"topic_suggestions": suggestions})
