from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.middleware import second_factor_for_coordinators
from apps.accounts.permissions import coordinates_region_of
from apps.core.actions import posted_action, refusal_text
from apps.core.admin_links import admin_change_url
from apps.core.listing import render_listing
from apps.hubs.selectors import hubs_covering
from apps.semantics.forms import posted_as_initial
from apps.semantics.services import topic_suggestions_shown, topics_to_preselect

from . import services, stale
from .forms import ChallengeForm, InterestForm
from .models import MATCHED_STATUSES, ChallengeStatus
from .permissions import (
    can_edit,
    demand_organisations_of,
    get_challenge_for_editing_or_404,
    get_challenge_for_follow_up_or_404,
    get_challenge_for_interest_or_404,
    get_challenge_for_view_or_404,
    is_active_member,
    offers_challenge_form,
    shows_review_feedback,
)
from .selectors import challenge_filterset, challenge_interest_get, challenge_progress

PAGE_SIZE = 20


def challenge_list(request):
    return render_listing(
        request,
        challenge_filterset(user=request.user, filters=request.GET),
        template_name="challenges/challenge_list.html",
        results_template_name="challenges/_challenge_results.html",
        count_text=ngettext_lazy("%(count)s challenge", "%(count)s challenges", "count"),
        page_size=PAGE_SIZE,
        context={"offers_challenge_form": offers_challenge_form(request.user)},
    )


def challenge_detail(request, pk: int):
    challenge = get_challenge_for_view_or_404(request.user, pk)
    return render(
        request, "challenges/challenge_detail.html", challenge_detail_context(request, challenge)
    )


# --- The organisation's pages: the guided form and the status page --------------------------


@login_required
def challenge_create(request):
    organisations = demand_organisations_of(request.user)
    if not organisations:
        return render(request, "challenges/challenge_no_organisation.html")
    is_post = request.method == "POST"
    action = request.POST.get("action", "") if is_post else ""
    if action == ChallengeForm.ACTION_SUGGEST:
        form = ChallengeForm(
            initial=posted_as_initial(request.POST, ChallengeForm), organisations=organisations
        )
        _suggest_topics(form)
        return render(request, "challenges/challenge_form.html", {"form": form, "challenge": None})
    form = ChallengeForm(
        request.POST if is_post else None,
        organisations=organisations,
        action=action,
        # From an organisation's page ("describe a challenge of …"): that one, if allowed.
        chosen_organisation=request.GET.get("organisation", ""),
    )
    if is_post and not form.is_valid():
        _suggest_topics_if_none_chosen(form)
    elif is_post:
        try:
            challenge, created = services.challenge_create(
                organisation=form.cleaned_data["organisation"],
                by=request.user,
                creation_token=form.cleaned_data["creation_token"],
                submit=form.submitting,
                **form.service_arguments(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, _saved_message(challenge))
            return redirect("challenges:status", pk=challenge.pk)
    return render(request, "challenges/challenge_form.html", {"form": form, "challenge": None})


@login_required
def challenge_edit(request, pk: int):
    challenge = get_challenge_for_editing_or_404(request.user, pk)
    if not can_edit(challenge):
        messages.info(
            request,
            _("A challenge that is “%(status)s” cannot be changed.")
            % {"status": challenge.get_status_display()},
        )
        return redirect("challenges:status", pk=challenge.pk)
    is_post = request.method == "POST"
    action = request.POST.get("action", "") if is_post else ""
    if action == ChallengeForm.ACTION_SUGGEST:
        form = ChallengeForm(
            initial=posted_as_initial(request.POST, ChallengeForm), instance=challenge
        )
        _suggest_topics(form)
        return render(
            request, "challenges/challenge_form.html", {"form": form, "challenge": challenge}
        )
    form = ChallengeForm(request.POST if is_post else None, instance=challenge, action=action)
    if is_post and not form.is_valid():
        _suggest_topics_if_none_chosen(form)
    elif is_post:
        try:
            challenge = services.challenge_update(
                challenge=challenge,
                by=request.user,
                submit=form.submitting,
                **form.service_arguments(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _saved_message(challenge))
            return redirect("challenges:status", pk=challenge.pk)
    return render(request, "challenges/challenge_form.html", {"form": form, "challenge": challenge})


def _suggest_topics(form: ChallengeForm, *, tick: bool = True) -> None:
    """Mark the topics that fit the text; with `tick`, also tick them when none is chosen."""
    text = form.text_to_understand()
    if text:
        suggestions = topic_suggestions_shown(text, limit=5)
        form.show_suggestions(
            suggestions, preselect=topics_to_preselect(suggestions) if tick else []
        )


def _suggest_topics_if_none_chosen(form: ChallengeForm) -> None:
    """Submitting without a topic: tick the ones that fit instead of refusing."""
    if any(error.code == "suggested" for error in form.errors.as_data().get("topics", [])):
        _suggest_topics(form)


@login_required
@require_POST
def challenge_suggest_topics(request):
    """htmx, while the description is typed: the topic picker again, with the topics that
    fit marked. Nothing is ticked behind the person's back while they type; submitting
    without a topic ticks them (`_suggest_topics_if_none_chosen`)."""
    form = ChallengeForm(
        initial=posted_as_initial(request.POST, ChallengeForm),
        organisations=demand_organisations_of(request.user),
    )
    _suggest_topics(form, tick=False)
    return render(request, "challenges/_topic_picker.html", {"form": form, "field": form["topics"]})


def _saved_message(challenge) -> str:
    if challenge.status == ChallengeStatus.SUBMITTED:
        return _("Your challenge was submitted. The AI hub of your region will review it.")
    if challenge.status == ChallengeStatus.PUBLISHED:
        return _("Your changes were saved. Partners are matched again if needed.")
    return _("Your challenge was saved as a draft.")


@login_required
@second_factor_for_coordinators
def challenge_status(request, pk: int):
    challenge = get_challenge_for_follow_up_or_404(request.user, pk)
    is_member = is_active_member(request.user, challenge.organisation_id)
    is_stale = stale.challenge_is_stale(challenge=challenge)
    return render(
        request,
        "challenges/challenge_status.html",
        {
            "challenge": challenge,
            "steps": challenge_progress(challenge=challenge),
            "hubs": hubs_covering(province_id=challenge.province_id),
            "is_member": is_member,
            # Its own members follow it here, not in the admin.
            "admin_url": "" if is_member else admin_change_url(request, challenge),
            "can_edit": is_member and can_edit(challenge),
            # The services say what the workflow allows; the view only adds who is asking.
            "can_submit": is_member and services.challenge_may_submit(challenge=challenge),
            "can_withdraw": is_member and services.challenge_may_withdraw(challenge=challenge),
            "has_matches_page": challenge.status in MATCHED_STATUSES,
            "show_review_feedback": shows_review_feedback(challenge),
            "is_stale": is_stale,
            "stale_after_days": stale.stale_after().days,
            "waiting_since": stale.waiting_since(challenge),
            "can_renew": is_member and is_stale,
            "can_close": is_member and is_stale,
        },
    )


def _status_url(challenge) -> str:
    return reverse("challenges:status", kwargs={"pk": challenge.pk})


@login_required
@require_POST
def challenge_renew(request, pk: int):
    """The organisation keeps its stale challenge open for partners another period."""
    challenge = get_challenge_for_editing_or_404(request.user, pk)
    return posted_action(
        request,
        lambda: stale.challenge_renew(challenge=challenge, by=request.user),
        done=_("Your challenge stays open for partners for another %(days)d days.")
        % {"days": stale.stale_after().days},
        then=_status_url(challenge),
    )


@login_required
@require_POST
def challenge_close(request, pk: int):
    """The organisation closes its challenge (it no longer needs help with it)."""
    challenge = get_challenge_for_editing_or_404(request.user, pk)
    return posted_action(
        request,
        lambda: services.challenge_close(challenge=challenge, by=request.user),
        done=_("Your challenge is closed. Thank you for sharing it."),
        then=_status_url(challenge),
    )


@login_required
@require_POST
def challenge_submit(request, pk: int):
    challenge = get_challenge_for_editing_or_404(request.user, pk)
    return posted_action(
        request,
        lambda: services.challenge_submit(challenge=challenge, by=request.user),
        done=lambda: _saved_message(challenge),
        then=_status_url(challenge),
        # Without topics the form is where to fix it.
        refused_then={"topics_required": reverse("challenges:edit", kwargs={"pk": challenge.pk})},
    )


@login_required
@require_POST
def challenge_withdraw(request, pk: int):
    challenge = get_challenge_for_editing_or_404(request.user, pk)
    return posted_action(
        request,
        lambda: services.challenge_withdraw(challenge=challenge, by=request.user),
        done=_("Your challenge is a draft again; change it and submit it."),
        then=_status_url(challenge),
    )


# --- Showing interest ------------------------------------------------------------------------


def challenge_detail_context(request, challenge, *, interest_form=None) -> dict:
    """What the challenge page shows besides the challenge: the organisation's own links, or
    for others the interest they showed (or the form to show it)."""
    is_member = is_active_member(request.user, challenge.organisation_id)
    interest = None if is_member else challenge_interest_get(challenge=challenge, user=request.user)
    return {
        "challenge": challenge,
        "show_review_feedback": shows_review_feedback(challenge),
        "is_member": is_member,
        "follows_up": is_member or coordinates_region_of(request.user, challenge),
        "can_edit": is_member and can_edit(challenge),
        "has_matches_page": challenge.status in MATCHED_STATUSES,
        "accepts_interest": challenge.status in MATCHED_STATUSES and not is_member,
        "interest": interest,
        "interest_form": interest_form or InterestForm(),
    }


@login_required
@require_POST
def challenge_interest(request, pk: int):
    challenge = get_challenge_for_interest_or_404(request.user, pk)
    form = InterestForm(request.POST)
    if not form.is_valid():
        context = challenge_detail_context(request, challenge, interest_form=form)
        return render(request, "challenges/challenge_detail.html", context)
    try:
        _interest, created = services.challenge_interest_express(
            challenge=challenge, user=request.user, message=form.cleaned_data["message"]
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        if created:
            messages.success(
                request, _("The organisation now knows you are interested. Thank you!")
            )
    return redirect(challenge.get_absolute_url() + "#interest")


@login_required
@require_POST
def challenge_interest_withdraw(request, pk: int):
    challenge = get_challenge_for_interest_or_404(request.user, pk)
    if services.challenge_interest_withdraw(challenge=challenge, user=request.user):
        messages.success(request, _("You withdrew your interest."))
    return redirect(challenge.get_absolute_url() + "#interest")
