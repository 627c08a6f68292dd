from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import ngettext

register = template.Library()


# Sections of the main navigation: any page inside one (a challenge's page) marks its link.
# Account pages are separate destinations, not a section, so only the exact page is marked.
DIRECTORY_SECTIONS = frozenset({"challenges", "organisations", "hubs", "communities", "knowledge"})


@register.simple_tag(takes_context=True)
def aria_current(context, view_name: str) -> str:
    """`aria-current` for a navigation link to `view_name` ("challenges:list").

    "page" on that very page; "true" anywhere else in the same section (a challenge's page
    is in Challenges), so screen readers and the stylesheet can tell where the reader is.
    """
    match = getattr(context.get("request"), "resolver_match", None)
    if match is None:
        return ""
    if match.view_name == view_name:
        return format_html(' aria-current="{}"', "page")
    namespace = view_name.rpartition(":")[0]
    if namespace in DIRECTORY_SECTIONS and match.namespace == namespace:
        return format_html(' aria-current="{}"', "true")
    return ""


@register.simple_tag
def page_numbers(page_obj) -> list:
    """Page numbers around the current one, with `Paginator.ELLIPSIS` for the gaps."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    )


@register.simple_tag(takes_context=True)
def path_in_default_language(context) -> str:
    """This page's path and query in the default language ("/en/x/?a=1" -> "/x/?a=1").

    The language switch sends it as `next`: Django's `set_language` runs under the default
    language (its URL has no prefix), so it can translate "/x/" to "/en/x/" but cannot
    resolve "/en/x/" to go back to Dutch.
    """
    request = context["request"]
    return translate_url(request.get_full_path(), settings.LANGUAGE_CODE)


@register.filter
def web_address(url: str) -> str:
    """`url` if it is an http(s) address, else "": a website from a spreadsheet import must
    not become a `javascript:` link."""
    return url if urlsplit(url or "").scheme in {"http", "https"} else ""


@register.filter
def shows_name_to(person, viewer) -> bool:
    """Whether `viewer` may see `person`'s name (see `User.shows_name_to`)."""
    return person is not None and person.shows_name_to(viewer)


# The facet options of a directory are rendered here rather than by including a template per
# option: a challenge list has about a hundred options, and two includes each were a third of
# the page's rendering time (py-spy under `make bench BENCH=load`).


@register.simple_tag
def facet_count(option, oob: bool = False) -> str:
    """An option's count, "(12 results)" to a screen reader and "(12)" on screen; `oob`: as an
    htmx out-of-band swap, which replaces the count in the form around the results."""
    return format_html(
        '<span class="facet-count" id="{}_count"{}>({}<span class="visually-hidden"> {}</span>)'
        "</span>",
        option.id,
        mark_safe(' hx-swap-oob="true"') if oob else "",
        localize(option.count),
        ngettext("result", "results", option.count),
    )


@register.simple_tag
def facet_option(facet, option) -> str:
    """The checkbox of one facet option and its label with the count."""
    count = format_html(" {}", facet_count(option)) if option.count is not None else ""
    return format_html(
        '<input type="checkbox" name="{}" value="{}" id="{}"{}>\n<label for="{}">{}{}</label>',
        facet.name,
        option.value,
        option.id,
        mark_safe(" checked") if option.checked else "",
        option.id,
        capfirst(option.label),
        count,
    )


# Open Graph names a locale as language_TERRITORY; the site's languages are Dutch and British
# English (the programme is Dutch, its English readers mostly European).
OPEN_GRAPH_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


@register.simple_tag
def site_address(path: str) -> str:
    """`path` ("/challenges/x/", a static URL) as a full address on the site's public host:
    link previews (Open Graph) need absolute addresses, and SITE_URL is the one people use,
    whatever host the request came in on."""
    return settings.SITE_URL + path


@register.simple_tag
def open_graph_locales(language_code: str) -> dict:
    """{"current": "nl_NL", "alternates": ["en_GB"]} for the page's language."""
    current = OPEN_GRAPH_LOCALES.get(language_code, OPEN_GRAPH_LOCALES["nl"])
    alternates = [
        OPEN_GRAPH_LOCALES[code]
        for code, _name in settings.LANGUAGES
        if code in OPEN_GRAPH_LOCALES and OPEN_GRAPH_LOCALES[code] != current
    ]
    return {"current": current, "alternates": alternates}


# NL Design System component classes of Django's form widgets (static/vendor/nl-design-system),
# by the `type` of an <input> or the template of the widget; the widget's own classes stay.
TEXTBOX_TYPES = frozenset(
    {"text", "email", "password", "url", "number", "tel", "search"}
    | {"date", "datetime-local", "time"}
)
WIDGET_COMPONENTS = {
    "django/forms/widgets/textarea.html": "utrecht-textarea utrecht-textarea--html-textarea",
    "django/forms/widgets/select.html": "utrecht-select utrecht-select--html-select",
}
INVALID_MODIFIER = {"utrecht-textbox": "utrecht-textbox--invalid"}


@register.simple_tag
def widget_class(widget: dict) -> str:
    """The class attribute value of a form widget: its own classes and its component's."""
    attrs = widget.get("attrs") or {}
    input_type = widget.get("type")
    if input_type in TEXTBOX_TYPES:
        component = "utrecht-textbox utrecht-textbox--html-input"
    elif input_type == "checkbox":
        component = "utrecht-checkbox utrecht-checkbox--html-input"
    elif attrs.get("multiple"):  # a list box, not a drop-down: the browser's own look
        component = ""
    else:
        component = WIDGET_COMPONENTS.get(widget.get("template_name", ""), "")
    if component and attrs.get("aria-invalid") in {True, "true"}:
        block = component.split()[0]
        component += f" {INVALID_MODIFIER.get(block, block + '--invalid')}"
    return " ".join(filter(None, [attrs.get("class", ""), component]))
