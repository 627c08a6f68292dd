from django.shortcuts import get_object_or_404, render

from .models import LearningCommunity


def community_detail(request, slug: str):
    community = get_object_or_404(LearningCommunity.objects.visible_to(request.user), slug=slug)
    return render(request, "communities/community_detail.html", {"community": community})
