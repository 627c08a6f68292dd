"""Personal data in communities: memberships, join requests and the updates a person wrote
(see `apps.accounts.privacy`). Updates and learning records are the community's record (the
programme's evidence of workplace learning): they stay, without their author."""

from typing import Any

from .models import (
    CommunityInvitation,
    CommunityMembership,
    JoinRequest,
    LearningRecord,
    Update,
)


def personal_data(user) -> dict[str, Any]:
    memberships = (
        CommunityMembership.objects.filter(user=user)
        .select_related("community", "organisation")
        .order_by("joined_at", "pk")
    )
    join_requests = (
        JoinRequest.objects.filter(user=user).select_related("community").order_by("created_at")
    )
    updates = Update.objects.filter(author=user).select_related("community").order_by("created_at")
    invitations = (
        CommunityInvitation.objects.filter(user=user)
        .select_related("community", "organisation")
        .order_by("created_at", "pk")
    )
    learning_records = (
        LearningRecord.objects.filter(user=user)
        .select_related("community")
        .order_by("created_at", "pk")
    )
    return {
        "memberships": [
            {
                "community": membership.community.name,
                "community_slug": membership.community.slug,
                "role": membership.role,
                "on_behalf_of": membership.organisation.name if membership.organisation else None,
                "joined_at": membership.joined_at.isoformat(),
            }
            for membership in memberships
        ],
        "join_requests": [
            {
                "community": request.community.name,
                "community_slug": request.community.slug,
                "role": request.role,
                "message": request.message,
                "state": request.state,
                "created_at": request.created_at.isoformat(),
                "decided_at": request.decided_at.isoformat() if request.decided_at else None,
            }
            for request in join_requests
        ],
        "updates_written": [
            {
                "community": update.community.name,
                "text": update.body,
                "created_at": update.created_at.isoformat(),
            }
            for update in updates
        ],
        "invitations": [
            {
                "community": invitation.community.name,
                "community_slug": invitation.community.slug,
                "role": invitation.role,
                "on_behalf_of": invitation.organisation.name if invitation.organisation else None,
                "state": invitation.state,
                "created_at": invitation.created_at.isoformat(),
                "decided_at": invitation.decided_at.isoformat() if invitation.decided_at else None,
            }
            for invitation in invitations
        ],
        "learning_records": [
            {
                "community": record.community.name,
                "community_slug": record.community.slug,
                "text": record.text,
                "created_at": record.created_at.isoformat(),
                "updated_at": record.updated_at.isoformat(),
            }
            for record in learning_records
        ],
    }


def anonymise(user) -> None:
    CommunityMembership.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    JoinRequest.objects.filter(decided_by=user).update(decided_by=None)
    Update.objects.filter(author=user).update(author=None)
    LearningRecord.objects.filter(user=user).update(user=None)
    CommunityInvitation.objects.filter(user=user).delete()
