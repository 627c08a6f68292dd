from django.core.paginator import Paginator
from django.shortcuts import render

from .permissions import get_challenge_for_view_or_404, shows_review_feedback
from .selectors import challenge_filterset

PAGE_SIZE = 20


def challenge_list(request):
    filterset = challenge_filterset(user=request.user, filters=request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/challenge_list.html",
        {"filterset": filterset, "form": filterset.form, "page_obj": page},
    )


def challenge_detail(request, pk: int):
    challenge = get_challenge_for_view_or_404(request.user, pk)
    return render(
        request,
        "challenges/challenge_detail.html",
        {"challenge": challenge, "show_review_feedback": shows_review_feedback(challenge)},
    )
