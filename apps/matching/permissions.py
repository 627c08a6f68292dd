"""Who may act on a challenge's matches and see an introduction request. Like everywhere else:
the object, a 404 when it must stay hidden, a 403 when it is visible but not theirs to act on.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.accounts.permissions import (
    coordinates_region_of,
    provinces_coordinated_by,
    scope_to_coordinated_hubs,
    sees_all_hubs,
)
from apps.challenges.models import Challenge, ChallengeStatus
from apps.challenges.permissions import is_active_member
from apps.hubs.models import Hub
from apps.organisations.models import Membership

from .models import IntroductionRequest, Match, MatchRun, MatchRunChunk


def get_match_for_member_decision_or_404(user, pk: int) -> Match:
    """A partner suggestion of a challenge the user can see (else 404), for shortlisting and
    asking an introduction: the challenge organisation's active members only (else 403)."""
    match = (
        Match.objects.filter(
            pk=pk,
            organisation__isnull=False,
            challenge__in=Challenge.objects.visible_to(user),
        )
        .select_related("challenge__organisation", "organisation")
        .first()
    )
    if match is None:
        raise Http404
    if not is_active_member(user, match.challenge.organisation_id):
        raise PermissionDenied
    return match


def get_introduction_for_view_or_404(user, pk: int) -> IntroductionRequest:
    introduction = (
        IntroductionRequest.objects.visible_to(user)
        .filter(pk=pk)
        .select_related(
            "match__organisation__kind",
            "match__organisation__province",
            "match__challenge__organisation",
            "match__challenge__province",
            "requested_by",
            "decided_by",
        )
        .first()
    )
    if introduction is None:
        raise Http404
    return introduction


def can_decide_introduction(user, introduction: IntroductionRequest) -> bool:
    """The partner's active administrators answer a request."""
    return (
        Membership.objects.active_for(user)
        .filter(organisation_id=introduction.match.organisation_id, role=Membership.Role.ADMIN)
        .exists()
    )


def get_introduction_for_decision_or_404(user, pk: int) -> IntroductionRequest:
    introduction = get_introduction_for_view_or_404(user, pk)
    if not can_decide_introduction(user, introduction):
        raise PermissionDenied
    return introduction


def sees_requester_side(user, introduction: IntroductionRequest) -> bool:
    """Members of the asking organisation and the region's coordinators always know who
    asked; the partner learns it once it accepts."""
    return is_active_member(user, introduction.match.challenge.organisation_id) or (
        coordinates_region_of(user, introduction.match.challenge)
    )


def match_runs_followed_by(user, runs: QuerySet[MatchRun] | None = None) -> QuerySet[MatchRun]:
    """The match runs a coordinator may follow: their hubs' runs and every run that
    recomputes a challenge of their region (all runs for national users)."""
    runs = MatchRun.objects.all() if runs is None else runs
    if sees_all_hubs(user):
        return runs
    region_challenges = ArraySubquery(
        Challenge.objects.filter(province__in=provinces_coordinated_by(user).values("pk")).values(
            "pk"
        )
    )
    touching_region = MatchRunChunk.objects.filter(challenge_ids__overlap=region_challenges).values(
        "run"
    )
    return runs.filter(
        Q(hub__in=Hub.objects.coordinated_by(user).values("pk")) | Q(pk__in=touching_region)
    )


def get_match_run_for_progress_or_404(user, run_id: int) -> MatchRun:
    return get_object_or_404(match_runs_followed_by(user).select_related("hub"), pk=run_id)


def get_match_for_review_or_404(user, challenge_id: int, match_id: int) -> Match:
    """A match of a challenge the coordinator reviews (404 otherwise, as for the challenge)."""
    challenge = get_challenge_for_match_review_or_404(user, challenge_id)
    match = Match.objects.filter(pk=match_id, challenge=challenge).first()
    if match is None:
        raise Http404
    match.challenge = challenge
    return match


def get_challenge_for_match_review_or_404(user, challenge_id: int) -> Challenge:
    """The challenge if it lies in a region the user coordinates (all for national users) and
    has left the organisation's hands (not a draft); otherwise a 404, so another region's
    challenge is not even confirmed to exist."""
    challenges = scope_to_coordinated_hubs(
        Challenge.objects.exclude(status=ChallengeStatus.DRAFT), user, "province"
    )
    return get_object_or_404(challenges.select_related("organisation", "province"), pk=challenge_id)
