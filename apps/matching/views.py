"""The member side of matching: a challenge's matched partners with their reasons (shortlist,
introductions), the brokered introduction page, and "for you" for lecturers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.middleware import second_factor_for_coordinators
from apps.accounts.permissions import coordinates_region_of
from apps.challenges.models import MATCHED_STATUSES
from apps.challenges.permissions import get_challenge_for_follow_up_or_404, is_active_member
from apps.challenges.selectors import (
    challenge_interest_list,
    challenge_interest_list_for_user,
    challenge_interests_by_challenge,
)

from . import services
from .forms import IntroductionRequestForm
from .permissions import (
    can_decide_introduction,
    get_introduction_for_decision_or_404,
    get_introduction_for_view_or_404,
    get_match_for_member_or_404,
    sees_requester_side,
)
from .reasons import reason_texts, taxonomy_labels
from .selectors import challenge_match_list, for_you_quotes, match_quotes, person_expertise_text


def fit_label(score: float) -> str:
    """The score in words, so nobody has to interpret a number."""
    if score >= 0.7:
        return _("strong fit")
    if score >= 0.4:
        return _("good fit")
    return _("possible fit")


def _fit(score: float) -> dict:
    return {"percent": round(score * 100), "label": fit_label(score)}


# --- A challenge's matched partners -----------------------------------------------------------


@login_required
@second_factor_for_coordinators
def challenge_matches(request, pk: int):
    challenge = get_challenge_for_follow_up_or_404(request.user, pk)
    return _render_matches(request, challenge)


def _render_matches(request, challenge, *, bound_forms: dict | None = None, status: int = 200):
    """The matches page; `bound_forms` puts a rejected introduction form back on its row."""
    bound_forms = bound_forms or {}
    is_member = is_active_member(request.user, challenge.organisation_id)
    rows = []
    if challenge.status in MATCHED_STATUSES:
        labels = taxonomy_labels()
        matches = list(challenge_match_list(challenge=challenge))
        quotes = match_quotes(matches)
        for match in matches:
            rows.append(
                {
                    "match": match,
                    "fit": _fit(match.score),
                    "reasons": reason_texts(match.reasons, labels, quote=quotes.get(match.pk)),
                    "introduction": getattr(match, "introduction", None),
                    "form": bound_forms.get(match.pk)
                    or IntroductionRequestForm(prefix=f"match-{match.pk}"),
                }
            )
    return render(
        request,
        "matching/challenge_matches.html",
        {
            "challenge": challenge,
            "rows": rows,
            "is_member": is_member,
            "is_matched": challenge.status in MATCHED_STATUSES,
            "interests": challenge_interest_list(challenge=challenge),
        },
        status=status,
    )


def _back_to_match(match) -> str:
    return reverse("challenges:matches", kwargs={"pk": match.challenge_id}) + f"#match-{match.pk}"


@login_required
@require_POST
def match_shortlist(request, pk: int):
    match = get_match_for_member_or_404(request.user, pk)
    shortlisted = request.POST.get("shortlisted") == "1"
    try:
        services.match_set_shortlisted(match=match, shortlisted=shortlisted, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            (
                _("%(partner)s is on your shortlist.")
                if shortlisted
                else _("%(partner)s is no longer on your shortlist.")
            )
            % {"partner": match.organisation.name},
        )
    return redirect(_back_to_match(match))


@login_required
@require_POST
def introduction_request(request, pk: int):
    match = get_match_for_member_or_404(request.user, pk)
    form = IntroductionRequestForm(request.POST, prefix=f"match-{match.pk}")
    if not form.is_valid():
        return _render_matches(request, match.challenge, bound_forms={match.pk: form}, status=400)
    try:
        _introduction, created = services.introduction_request_create(
            match=match, by=request.user, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            messages.success(
                request,
                _(
                    "Your request was sent to %(partner)s and the AI hub. You will hear when "
                    "the partner answers."
                )
                % {"partner": match.organisation.name},
            )
    return redirect(_back_to_match(match))


# --- The brokered introduction --------------------------------------------------------------


@login_required
@second_factor_for_coordinators
def introduction_detail(request, pk: int):
    introduction = get_introduction_for_view_or_404(request.user, pk)
    match = introduction.match
    shows_requester = introduction.contacts_shared or sees_requester_side(
        request.user, introduction
    )
    return render(
        request,
        "matching/introduction_detail.html",
        {
            "introduction": introduction,
            "match": match,
            "challenge": match.challenge,
            "shows_requester": shows_requester,
            "can_decide": introduction.state == introduction.State.REQUESTED
            and can_decide_introduction(request.user, introduction),
            "is_asking_side": is_active_member(request.user, match.challenge.organisation_id),
            "is_coordinator": coordinates_region_of(request.user, match.challenge),
        },
    )


@login_required
@require_POST
def introduction_decide(request, pk: int):
    introduction = get_introduction_for_decision_or_404(request.user, pk)
    accept = request.POST.get("decision") == "accept"
    try:
        services.introduction_request_decide(
            introduction=introduction, accept=accept, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("You accepted: you can now see each other's contact details.")
            if accept
            else _("You declined the introduction; the asking organisation is told."),
        )
    return redirect("matching:introduction", pk=introduction.pk)


# --- For you ---------------------------------------------------------------------------------


@login_required
def for_you(request):
    user = request.user
    has_expertise = bool(person_expertise_text(user) or user.expertise_topics.exists())
    rows = []
    if has_expertise:
        items = services.match_recommendations_with_objects(person=user)
        labels = taxonomy_labels()
        quotes = for_you_quotes(person=user, items=items)
        interests = challenge_interests_by_challenge(
            user=user, challenge_ids=[i.item.pk for i in items if i.kind == "challenge"]
        )
        rows = [
            {
                "kind": item.kind,
                "item": item.item,
                "fit": _fit(item.score),
                "reasons": reason_texts(
                    item.reasons, labels, quote=quotes.get((item.kind, item.item.pk))
                ),
                "interest": interests.get(item.item.pk) if item.kind == "challenge" else None,
            }
            for item in items
        ]
    return render(
        request,
        "matching/for_you.html",
        {
            "has_expertise": has_expertise,
            "rows": rows,
            "my_interests": challenge_interest_list_for_user(user=user),
        },
    )
