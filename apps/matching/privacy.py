"""What the matching app holds about a person: the introductions they asked for or answered,
their decisions on matches, and the challenges matched to them as a lecturer."""

from django.db.models import Q

from .models import IntroductionRequest, Match


def personal_data(user) -> dict:
    introductions = (
        IntroductionRequest.objects.filter(Q(requested_by=user) | Q(decided_by=user))
        .select_related("match__challenge", "match__organisation")
        .order_by("created_at", "pk")
    )
    return {
        "introduction_requests": [
            {
                "challenge": introduction.match.challenge.title,
                "partner": introduction.match.organisation.name
                if introduction.match.organisation_id
                else None,
                "asked_by_you": introduction.requested_by_id == user.pk,
                "answered_by_you": introduction.decided_by_id == user.pk,
                "message": introduction.message if introduction.requested_by_id == user.pk else "",
                "state": introduction.state,
                "created_at": introduction.created_at.isoformat(),
                "decided_at": introduction.decided_at.isoformat()
                if introduction.decided_at
                else None,
            }
            for introduction in introductions
        ],
        "match_decisions": [
            {"match_id": match_id, "status": status, "at": at.isoformat() if at else None}
            for match_id, status, at in Match.objects.filter(status_changed_by=user).values_list(
                "pk", "status", "status_changed_at"
            )
        ],
        "matched_challenges": [
            {"challenge": title, "score": score}
            for title, score in Match.objects.filter(person=user).values_list(
                "challenge__title", "score"
            )
        ],
    }


def anonymise(user) -> None:
    """Introductions and decisions stay for the organisations involved, without the person.
    The message stays as the organisation's request (it was written on its behalf)."""
    IntroductionRequest.objects.filter(requested_by=user).update(requested_by=None)
    IntroductionRequest.objects.filter(decided_by=user).update(decided_by=None)
    Match.objects.filter(status_changed_by=user).update(status_changed_by=None)
    Match.objects.filter(person=user).delete()
