import re
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from apps.challenges.models import Visibility
from apps.communities.permissions import get_community_for_contribution_or_404
from apps.core.listing import render_listing

from .forms import KnowledgeItemForm
from .permissions import get_knowledge_item_for_view_or_404
from .selectors import knowledge_item_filterset
from .services import knowledge_item_create

# What a download's file name may end in; anything else is left off (the slug names it).
_SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


def knowledge_list(request):
    return render_listing(
        request,
        knowledge_item_filterset(user=request.user, filters=request.GET),
        template_name="knowledge/knowledge_list.html",
        results_template_name="knowledge/_knowledge_results.html",
        count_text=ngettext_lazy("%(count)s knowledge item", "%(count)s knowledge items", "count"),
    )


def knowledge_detail(request, slug: str):
    return render(
        request,
        "knowledge/knowledge_detail.html",
        {"item": get_knowledge_item_for_view_or_404(request.user, slug)},
    )


def download_name(item) -> str:
    """The item's slug with the stored file's extension: never a name an uploader chose,
    so no path, quote or control character reaches the Content-Disposition header."""
    extension = PurePath(item.file.name).suffix.lower()
    return item.slug + (extension if _SAFE_EXTENSION.fullmatch(extension) else "")


def knowledge_download(request, slug: str):
    """The item's file as an attachment, for those who may see the item (404 for others)."""
    item = get_knowledge_item_for_view_or_404(request.user, slug)
    if not item.file:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=download_name(item))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def community_result_add(request, slug: str):
    """A community's result, added to the knowledge base from the community's page."""
    access = get_community_for_contribution_or_404(request.user, slug)
    community = access.community
    # A members-only community's results start out for signed-in members, not the world.
    initial = {} if community.is_public else {"visibility": Visibility.MEMBERS}
    posted = request.method == "POST"
    form = KnowledgeItemForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            _item, created = knowledge_item_create(
                title=data["title"],
                kind=data["kind"],
                summary=data["summary"],
                body=data["body"],
                file=data["file"],
                link=data["link"],
                licence=data["licence"],
                visibility=data["visibility"],
                topics=data["topics"],
                sectors=data["sectors"],
                author=request.user,
                source_community=community,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, _("The result was added to the knowledge base."))
            else:
                messages.info(request, _("You already added a result with this title."))
            return redirect(f"{community.get_absolute_url()}#results")
    return render(
        request, "knowledge/community_result_form.html", {"community": community, "form": form}
    )
