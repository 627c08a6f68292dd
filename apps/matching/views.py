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
)
from apps.core.actions import posted_action, refusal_text

from . import services
from .forms import IntroductionRequestForm
from .permissions import (
    can_decide_introduction,
    get_introduction_for_decision_or_404,
    get_introduction_for_view_or_404,
    get_match_for_member_decision_or_404,
    sees_requester_side,
)
from .reasons import fit_shown, reason_texts, taxonomy_labels
from .selectors import challenge_match_list, match_quotes

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
                    "fit": fit_shown(match.score),
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
    match = get_match_for_member_decision_or_404(request.user, pk)
    shortlisted = request.POST.get("shortlisted") == "1"
    return posted_action(
        request,
        lambda: services.match_set_shortlisted(
            match=match, shortlisted=shortlisted, by=request.user
        ),
        done=(
            _("%(partner)s is on your shortlist.")
            if shortlisted
            else _("%(partner)s is no longer on your shortlist.")
        )
        % {"partner": match.organisation.name},
        then=_back_to_match(match),
    )


@login_required
@require_POST
def introduction_request(request, pk: int):
    match = get_match_for_member_decision_or_404(request.user, pk)
    form = IntroductionRequestForm(request.POST, prefix=f"match-{match.pk}")
    if not form.is_valid():
        return _render_matches(request, match.challenge, bound_forms={match.pk: form}, status=400)
    try:
        _introduction, created = services.introduction_request_create(
            match=match, by=request.user, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
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
    return posted_action(
        request,
        lambda: services.introduction_request_decide(
            introduction=introduction, accept=accept, by=request.user
        ),
        done=_("You accepted: you can now see each other's contact details.")
        if accept
        else _("You declined the introduction; the asking organisation is told."),
        then=reverse("matching:introduction", kwargs={"pk": introduction.pk}),
    )
