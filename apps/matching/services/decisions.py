"""People's decisions on suggestions: the review moves of a match (its status workflow and
the shortlist) and introduction requests between a challenge's organisation and a
supplier. Accepting or withdrawing an acceptance reschedules the supplier's other
suggestions, as its capacity changed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import coordinates_region_of
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.challenges.models import MATCHED_STATUSES, Challenge
from apps.challenges.services import region_coordinators
from apps.core.transitions import (
    InvalidTransition,
    StateConflict,
    transition_allowed,
    transition_check,
)
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify
from apps.organisations.models import Membership

from ..models import IntroductionRequest, Match, MatchStatus
from .runs import match_schedule_for_suppliers

# The review moves of a match (`suggested → shortlisted → contacted → accepted | declined`).
# People may reconsider (a declined partner back on the shortlist, an acceptance withdrawn),
# but a partner that was contacted or decided on never silently becomes a bare suggestion
# again, which a recompute could remove.
MATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    MatchStatus.SUGGESTED: frozenset(
        {MatchStatus.SHORTLISTED, MatchStatus.CONTACTED, MatchStatus.ACCEPTED, MatchStatus.DECLINED}
    ),
    MatchStatus.SHORTLISTED: frozenset(
        {MatchStatus.SUGGESTED, MatchStatus.CONTACTED, MatchStatus.ACCEPTED, MatchStatus.DECLINED}
    ),
    MatchStatus.CONTACTED: frozenset({MatchStatus.ACCEPTED, MatchStatus.DECLINED}),
    # An accepted partner can still fall through, but is not "contacted" again.
    MatchStatus.ACCEPTED: frozenset({MatchStatus.DECLINED}),
    MatchStatus.DECLINED: frozenset({MatchStatus.SHORTLISTED}),
}


# What the challenge's organisation may do with a suggestion itself; contacting, accepting and
# declining matches are the hub coordinator's.
MEMBER_MATCH_TRANSITIONS: dict[str, frozenset[str]] = {
    MatchStatus.SUGGESTED: frozenset({MatchStatus.SHORTLISTED}),
    MatchStatus.SHORTLISTED: frozenset({MatchStatus.SUGGESTED}),
}


class InvalidMatchTransition(InvalidTransition):
    pass


def match_can_change_status(*, current: str, to_status: str) -> bool:
    return transition_allowed(MATCH_TRANSITIONS, current, to_status)


@transaction.atomic
def match_set_status(*, match: Match, status: str, by=None) -> Match:
    """A person's decision on a match; recomputes never overwrite it. Setting the status it
    already has changes nothing (a double click); a move `MATCH_TRANSITIONS` does not allow
    is refused. A coordinator's decision goes into the audit trail."""
    if status not in MatchStatus.values:
        raise ValueError(f"unknown match status {status!r}")
    previous = Match.objects.select_for_update().values_list("status", flat=True).get(pk=match.pk)
    if previous == status:
        match.refresh_from_db()
        return match
    transition_check(
        allowed=MATCH_TRANSITIONS,
        statuses=MatchStatus,
        current=previous,
        to=status,
        refusal=_("A match cannot go from “%(from)s” to “%(to)s”."),
        error=InvalidMatchTransition,
    )
    Match.objects.filter(pk=match.pk).update(
        status=status, status_changed_at=timezone.now(), status_changed_by=by
    )
    match.refresh_from_db()
    if by is not None:
        challenge = Challenge.objects.only("title", "province_id").get(pk=match.challenge_id)
        if coordinates_region_of(by, challenge):
            audit_record(
                actor=by,
                action=AuditAction.MATCH_STATUS_CHANGED,
                target=match,
                province_id=challenge.province_id,
                before={"status": previous},
                after={"status": status},
            )
    # Accepting uses up the supplier's capacity (and withdrawing frees it): its other
    # suggestions must follow.
    if match.organisation_id and MatchStatus.ACCEPTED in (previous, status) and previous != status:
        match_schedule_for_suppliers(organisation_ids=[match.organisation_id], trigger="accepted")
    return match


@transaction.atomic
def match_set_shortlisted(*, match: Match, shortlisted: bool, by) -> Match:
    """Put a suggested partner on the organisation's shortlist, or take it off again. A partner
    asked for an introduction stays on it: taking it off would let a recompute remove it."""
    to_status = MatchStatus.SHORTLISTED if shortlisted else MatchStatus.SUGGESTED
    current = Match.objects.select_for_update().values_list("status", flat=True).get(pk=match.pk)
    if current == to_status:
        return match
    if to_status not in MEMBER_MATCH_TRANSITIONS.get(current, frozenset()):
        raise StateConflict(
            _("The hub handles this partner now; the shortlist cannot change it."),
            code="not_allowed",
        )
    if not shortlisted and IntroductionRequest.objects.filter(match=match).exists():
        raise StateConflict(
            _("You asked for an introduction to this partner; it stays on your shortlist."),
            code="introduction_requested",
        )
    return match_set_status(match=match, status=to_status, by=by)


def introduction_request_create(*, match: Match, by, message: str = ""):
    """Ask for an introduction to a matched partner; a second call returns the first request
    and notifies no one again. The partner's administrators and the region's coordinators
    are told; the partner does not learn who asked until it accepts.

    Returns `(introduction, created)`."""
    challenge = match.challenge
    if match.organisation_id is None or match.status == MatchStatus.DECLINED:
        raise StateConflict(_("This partner cannot be introduced."), code="not_allowed")
    if challenge.status not in MATCHED_STATUSES:
        raise StateConflict(
            _("Introductions are for published challenges only."), code="not_published"
        )
    with transaction.atomic():
        introduction, created = IntroductionRequest.objects.get_or_create(
            match=match, defaults={"requested_by": by, "message": message.strip()}
        )
        if not created:
            return introduction, False
        if match.status == MatchStatus.SUGGESTED:
            # Keep the partner: a recompute never removes a shortlisted match.
            match_set_status(match=match, status=MatchStatus.SHORTLISTED, by=by)
        partner_admins = [
            membership.user
            for membership in Membership.objects.filter(
                organisation_id=match.organisation_id,
                role=Membership.Role.ADMIN,
                state=Membership.State.ACTIVE,
            ).select_related("user")
        ]
        title, asking, partner = (
            challenge.title,
            challenge.organisation.name,
            match.organisation.name,
        )
        notify(
            recipients=[*region_coordinators(challenge.province_id), *partner_admins],
            kind=NotificationKind.INTRODUCTION_REQUESTED,
            text=lambda person: (
                _("Introduction requested for “%(title)s”") % {"title": title},
                _(
                    "%(asking)s would like to be introduced to %(partner)s. Read the challenge "
                    "and the message; contact details are shared once the partner accepts."
                )
                % {"asking": asking, "partner": partner},
            ),
            url=notice_path("matching:introduction", pk=introduction.pk),
            dedupe_key=f"introduction-{introduction.pk}-requested",
            exclude=by,
        )
    return introduction, True


@transaction.atomic
def introduction_request_decide(*, introduction, accept: bool, by):
    """The partner accepts (contact details are then shared both ways and the match counts as
    contacted) or declines; the person who asked is told either way."""
    locked = IntroductionRequest.objects.select_for_update().get(pk=introduction.pk)
    if locked.state != IntroductionRequest.State.REQUESTED:
        raise StateConflict(
            _("This introduction request was already answered."), code="already_decided"
        )
    locked.state = (
        IntroductionRequest.State.ACCEPTED if accept else IntroductionRequest.State.DECLINED
    )
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save(update_fields=["state", "decided_at", "decided_by"])
    match = Match.objects.select_related("challenge", "organisation").get(pk=locked.match_id)
    if accept and match.status in (MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED):
        match_set_status(match=match, status=MatchStatus.CONTACTED, by=by)
    partner, title = match.organisation.name, match.challenge.title
    notify(
        recipients=[locked.requested_by],
        kind=NotificationKind.INTRODUCTION_DECIDED,
        text=lambda person: (
            (
                _("%(partner)s accepted your introduction request")
                if accept
                else _("%(partner)s declined your introduction request")
            )
            % {"partner": partner},
            (
                _("You can now see each other's contact details for “%(title)s”.")
                if accept
                else _("The hub coordinator can help you find another partner for “%(title)s”.")
            )
            % {"title": title},
        ),
        url=notice_path("matching:introduction", pk=locked.pk),
        dedupe_key=f"introduction-{locked.pk}-{locked.state}",
        exclude=by,
    )
    introduction.__dict__.update(
        state=locked.state, decided_at=locked.decided_at, decided_by_id=locked.decided_by_id
    )
    return locked
