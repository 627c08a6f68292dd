"""What the challenges app holds about a person: the challenges they created (on behalf of
their organisation) and the interest they showed in challenges."""

from .models import Challenge, ChallengeInterest


def personal_data(user) -> dict:
    return {
        "challenges_created": [
            {
                "id": challenge.pk,
                "title": challenge.title,
                "organisation": challenge.organisation.name,
                "status": challenge.status,
                "created_at": challenge.created_at.isoformat(),
            }
            for challenge in Challenge.objects.filter(created_by=user).select_related(
                "organisation"
            )
        ],
        "interests": [
            {
                "challenge_id": interest.challenge_id,
                "challenge": interest.challenge.title,
                "message": interest.message,
                "created_at": interest.created_at.isoformat(),
            }
            for interest in ChallengeInterest.objects.filter(user=user).select_related("challenge")
        ],
    }


def anonymise(user) -> None:
    """A challenge belongs to its organisation and stays, without its author. An interest is
    the person's own statement and means nothing without them: it goes."""
    Challenge.objects.filter(created_by=user).update(created_by=None)
    ChallengeInterest.objects.filter(user=user).delete()
