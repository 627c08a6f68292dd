"""The community directory (browse and search). The community page and its actions live in
views.py; this module is the list only."""

from django.core.paginator import Paginator
from django.shortcuts import render

from .models import LearningCommunity

PAGE_SIZE = 20


def community_list(request):
    communities = (
        LearningCommunity.objects.visible_to(request.user)
        .select_related("hub")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(communities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "communities/community_list.html", {"page_obj": page})
