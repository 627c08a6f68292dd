"""Personal data in organisations: a person's memberships and join requests (see
`apps.accounts.privacy` for the contract)."""

from typing import Any

from .models import Membership


def personal_data(user) -> dict[str, Any]:
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    return {
        "memberships": [
            {
                "organisation": membership.organisation.name,
                "organisation_slug": membership.organisation.slug,
                "role": membership.role,
                "state": membership.state,
                "job_title": membership.job_title,
                "since": membership.created_at.isoformat(),
            }
            for membership in memberships
        ]
    }


def anonymise(user) -> None:
    """Memberships are about the person alone; the organisations stay."""
    Membership.objects.filter(user=user).delete()
