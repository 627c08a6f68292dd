"""The hub coordinator's match review, as admin pages (routed by MatchAdmin.get_urls and
MatchRunAdmin.get_urls in apps/matching/admin.py).

Per challenge: the ranked partners with the reasons in the reader's language and each
supplier's remaining capacity, buttons that move a match through `match_set_status`, and
buttons that start a rematch of the challenge or a balanced run of a hub. A run's progress
is a small fragment that htmx refreshes every two seconds until the run has finished.

Who may do what: the admin's staff check and the Match model permissions (view to look,
change to act), then the region: a challenge outside the coordinator's hubs is a 404, also
for the actions and for a guessed id, and a match must belong to the challenge in the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from apps.challenges.models import Challenge, ChallengeStatus
from apps.core.actions import refusal_text
from apps.hubs.selectors import hubs_covering

from .models import Match, MatchRun, MatchStatus
from .permissions import (
    get_challenge_for_match_review_or_404,
    get_match_for_review_or_404,
    get_match_run_for_progress_or_404,
)
from .reasons import reason_texts, taxonomy_labels
from .selectors import (
    match_quotes,
    match_run_latest_for_challenge,
    matches_for_review,
    remaining_capacity_by_organisation,
)
from .services import (
    MATCH_TRANSITIONS,
    match_run_for_challenge,
    match_run_full,
    match_set_status,
)

# The buttons of a row, in the order of the workflow; a row shows the moves its status allows.
STATUS_BUTTONS: dict[str, object] = {
    MatchStatus.SHORTLISTED: gettext_lazy("Shortlist"),
    MatchStatus.CONTACTED: gettext_lazy("Mark contacted"),
    MatchStatus.ACCEPTED: gettext_lazy("Accept"),
    MatchStatus.DECLINED: gettext_lazy("Decline"),
}


# --- Access ----------------------------------------------------------------------------------


def _require(model_admin, request: HttpRequest, *, change: bool) -> None:
    allowed = (
        model_admin.has_change_permission(request)
        if change
        else model_admin.has_view_or_change_permission(request)
    )
    if not allowed:
        raise PermissionDenied


def _review_url(challenge_id: int) -> str:
    return reverse("admin:matching_match_review", args=[challenge_id])


# --- Run progress ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunProgress:
    run: MatchRun
    challenges_done: int
    challenges_total: int
    parts_done: int
    parts_total: int
    percent: int
    finished: bool
    remaining: timedelta | None

    @property
    def eta_text(self) -> str:
        return duration_text(self.remaining) if self.remaining is not None else ""


def run_progress(run: MatchRun, *, now: datetime | None = None) -> RunProgress:
    """How far a run is, and an estimate of the time left: the time spent so far, scaled by
    the share of challenges still to do (parts when the run has no challenge count)."""
    now = now or timezone.now()
    if run.challenges_total:
        fraction = run.challenges_done / run.challenges_total
    elif run.chunks_total:
        fraction = run.chunks_done / run.chunks_total
    else:
        fraction = 1.0 if run.status == MatchRun.Status.DONE else 0.0
    finished = run.status in (MatchRun.Status.DONE, MatchRun.Status.FAILED)
    remaining = None
    if not finished and 0 < fraction < 1:
        elapsed = now - (run.started_at or run.created_at)
        remaining = elapsed * ((1 - fraction) / fraction)
    return RunProgress(
        run=run,
        challenges_done=run.challenges_done,
        challenges_total=run.challenges_total,
        parts_done=run.chunks_done,
        parts_total=run.chunks_total,
        percent=int(fraction * 100),
        finished=finished,
        remaining=remaining,
    )


def duration_text(duration: timedelta) -> str:
    seconds = max(round(duration.total_seconds()), 1)
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = round(seconds / 60)
    if minutes < 60:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}


@require_GET
def matchrun_progress(request: HttpRequest, *, model_admin, run_id: int) -> HttpResponse:
    """The progress fragment that the review page and the run list poll."""
    _require(model_admin, request, change=False)
    run = get_match_run_for_progress_or_404(request.user, run_id)
    progress = run_progress(run)
    response = TemplateResponse(
        request, "admin/matching/_run_progress.html", {"progress": progress}
    )
    if progress.finished and getattr(request, "htmx", False):
        # Only an unfinished run polls: this is the moment it ended. Reload the page so the
        # new suggestions (or the run list's totals) show.
        response["HX-Refresh"] = "true"
    return response


# --- The review page -------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchRow:
    match: Match
    partner: str
    kind: str
    province: str
    percent: int
    reasons: list[str]
    capacity: int | None
    remaining_capacity: int | None
    next_statuses: list[tuple[str, object]]


def _match_rows(challenge: Challenge) -> list[MatchRow]:
    """The challenge's matches, best first, with what the page shows per row: a fixed number
    of queries however many matches there are."""
    matches = matches_for_review(challenge)
    labels = taxonomy_labels()
    shown = [m.organisation_id for m in matches if m.organisation_id is not None]
    committed = remaining_capacity_by_organisation(shown) if shown else {}
    quotes = match_quotes(matches)
    rows = []
    for match in matches:
        organisation = match.organisation
        if organisation is not None:
            partner, kind = organisation.name, organisation.kind.name
            province = organisation.province.name
            capacity = organisation.capacity
            remaining = capacity - committed.get(organisation.pk, 0)
        else:
            person = match.person
            partner, kind = person.full_name or person.email, _("person")
            province = person.province.name if person.province_id else ""
            capacity = remaining = None
        rows.append(
            MatchRow(
                match=match,
                partner=partner,
                kind=kind,
                province=province,
                percent=round(match.score * 100),
                reasons=reason_texts(match.reasons, labels, quote=quotes.get(match.pk)),
                capacity=capacity,
                remaining_capacity=remaining,
                next_statuses=[
                    (status, label)
                    for status, label in STATUS_BUTTONS.items()
                    if status in MATCH_TRANSITIONS.get(match.status, ())
                ],
            )
        )
    return rows


@require_GET
def match_review(request: HttpRequest, *, model_admin, challenge_id: int) -> HttpResponse:
    _require(model_admin, request, change=False)
    challenge = get_challenge_for_match_review_or_404(request.user, challenge_id)
    rows = _match_rows(challenge)
    run = match_run_latest_for_challenge(challenge)
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "app_label": opts.app_label,
        "title": _("Matches for “%(title)s”") % {"title": challenge.title},
        "challenge": challenge,
        "rows": rows,
        "any_accepted": any(row.match.status == MatchStatus.ACCEPTED for row in rows),
        "can_act": model_admin.has_change_permission(request),
        "can_rematch": challenge.status == ChallengeStatus.PUBLISHED,
        "hubs": hubs_covering(province_id=challenge.province_id, coordinated_by=request.user),
        "progress": run_progress(run) if run else None,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/matching/match_review.html", context)


# --- Actions (POST, then back to the review page) ----------------------------------------------


@require_POST
def match_review_set_status(
    request: HttpRequest, *, model_admin, challenge_id: int, match_id: int
) -> HttpResponse:
    _require(model_admin, request, change=True)
    match = get_match_for_review_or_404(request.user, challenge_id, match_id)
    challenge = match.challenge
    status = request.POST.get("status", "")
    if status not in STATUS_BUTTONS:
        messages.error(request, _("Choose one of the buttons to change a match."))
        return HttpResponseRedirect(_review_url(challenge.pk))
    try:
        match_set_status(match=match, status=status, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request,
            _("%(partner)s is now “%(status)s”.")
            % {
                "partner": match.organisation or match.person,
                "status": MatchStatus(status).label,
            },
        )
    return HttpResponseRedirect(_review_url(challenge.pk))


@require_POST
def match_review_rematch(request: HttpRequest, *, model_admin, challenge_id: int) -> HttpResponse:
    _require(model_admin, request, change=True)
    challenge = get_challenge_for_match_review_or_404(request.user, challenge_id)
    run = match_run_for_challenge(
        challenge_id=challenge.pk, trigger="rematch by a coordinator", by=request.user
    )
    if run is None:
        messages.error(request, _("Only a published challenge can be matched again."))
    else:
        messages.success(request, _("Matching this challenge again; the progress is shown below."))
    return HttpResponseRedirect(_review_url(challenge.pk))


@require_POST
def match_review_balanced_run(
    request: HttpRequest, *, model_admin, challenge_id: int
) -> HttpResponse:
    _require(model_admin, request, change=True)
    challenge = get_challenge_for_match_review_or_404(request.user, challenge_id)
    hub_id = request.POST.get("hub", "")
    hubs = hubs_covering(province_id=challenge.province_id, coordinated_by=request.user)
    hub = next((hub for hub in hubs if str(hub.pk) == hub_id), None)
    if hub is None:
        raise Http404
    run = match_run_full(
        hub=hub, balanced=True, trigger="balanced run by a coordinator", by=request.user
    )
    messages.success(
        request,
        ngettext(
            "A balanced run of %(hub)s started for %(count)d challenge.",
            "A balanced run of %(hub)s started for %(count)d challenges.",
            run.challenges_total,
        )
        % {"hub": hub.name, "count": run.challenges_total},
    )
    return HttpResponseRedirect(_review_url(challenge.pk))
