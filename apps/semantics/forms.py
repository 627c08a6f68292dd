"""Form plumbing for topic suggestions: the textarea that asks while it is typed in, and a
sent form shown again (with the suggestions) without being checked."""

import json

from django import forms
from django.urls import reverse_lazy


def suggesting_textarea_attrs(
    *, rows: int, url=None, target: str = "#topic-suggestions", source: str | None = None
) -> dict:
    """Attributes of a textarea that asks for topic suggestions while it is typed in (htmx,
    800 ms after the last key) and swaps `target` for the answer. By default the box
    `semantics/_topic_suggestions.html`, reading the fields `source` names."""
    attrs = {
        "rows": rows,
        # `is None`, not `or`: truth-testing a lazy URL would resolve it at import time.
        "hx-post": reverse_lazy("semantics:topic_suggestions") if url is None else url,
        "hx-trigger": "input changed delay:800ms",
        "hx-target": target,
        "hx-swap": "outerHTML",
        "hx-include": "closest form",
        "hx-sync": "this:replace",
    }
    if source is not None:
        attrs["hx-vals"] = json.dumps({"source": source})
    return attrs


def posted_as_initial(data, form_class: type[forms.BaseForm]) -> dict:
    """A sent form as initial values: shown again (with suggestions) without errors, and
    nothing saved. Fields that take several values get their list, even of one."""
    initial = {}
    for name, field in form_class.base_fields.items():
        if name not in data:
            continue
        several = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        initial[name] = data.getlist(name) if several else data.get(name)
    return initial
