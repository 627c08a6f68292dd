import re
from pathlib import PurePath

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import ngettext_lazy

from apps.core.listing import render_listing

from .selectors import knowledge_item_filterset, knowledge_item_get_visible

# What a download's file name may end in; anything else is left off (the slug names it).
_SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


def _item_or_404(request, slug: str):
    item = knowledge_item_get_visible(user=request.user, slug=slug)
    if item is None:  # missing and hidden look the same
        raise Http404
    return item


def knowledge_list(request):
    return render_listing(
        request,
        knowledge_item_filterset(user=request.user, filters=request.GET),
        template_name="knowledge/knowledge_list.html",
        results_template_name="knowledge/_knowledge_results.html",
        count_text=ngettext_lazy("%(count)s knowledge item", "%(count)s knowledge items", "count"),
    )


def knowledge_detail(request, slug: str):
    return render(request, "knowledge/knowledge_detail.html", {"item": _item_or_404(request, slug)})


def download_name(item) -> str:
    """The item's slug with the stored file's extension: never a name an uploader chose,
    so no path, quote or control character reaches the Content-Disposition header."""
    extension = PurePath(item.file.name).suffix.lower()
    return item.slug + (extension if _SAFE_EXTENSION.fullmatch(extension) else "")


def knowledge_download(request, slug: str):
    """The item's file as an attachment, for those who may see the item (404 for others)."""
    item = _item_or_404(request, slug)
    if not item.file:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=download_name(item))
    response["X-Content-Type-Options"] = "nosniff"
    return response
