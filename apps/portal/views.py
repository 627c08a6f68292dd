from django.shortcuts import render

from apps.challenges.selectors import challenge_list_latest_public
from apps.hubs.selectors import hub_list

from .selectors import platform_figures


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "figures": platform_figures(user=request.user),
            "latest_challenges": challenge_list_latest_public(limit=6),
            "hubs": hub_list(user=request.user),
        },
    )
