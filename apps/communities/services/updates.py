"""What members write in a community: updates (with double-submit protection) and each
person's learning record."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify

from ..models import (
    CommunityMembership,
    LearningCommunity,
    LearningRecord,
    Update,
)
from ..selectors import (
    community_member_users,
)
from .common import DOUBLE_SUBMIT_WINDOW, community_lock, person_name


@transaction.atomic
def community_update_create(
    *, community: LearningCommunity, author: User, body: str
) -> tuple[Update, bool]:
    """Post an update (Markdown) and tell the other members. The same text by the same person
    within a few minutes is a double submit and returns the first post."""
    body = body.strip()
    community = community_lock(community)
    existing = (
        Update.objects.filter(
            community=community,
            author=author,
            body=body,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if existing is not None:
        return existing, False
    update = Update(community=community, author=author, body=body)
    update.full_clean()
    update.save()

    def text(person):
        return (
            _("New update in %(community)s") % {"community": community.name},
            _("%(person)s wrote: %(excerpt)s")
            % {"person": person_name(author), "excerpt": Truncator(body).chars(300)},
        )

    notify(
        recipients=community_member_users(community=community),
        kind=NotificationKind.COMMUNITY_UPDATE,
        text=text,
        url=notice_path("communities:detail", fragment=f"update-{update.pk}", slug=community.slug),
        dedupe_key=f"update-{update.pk}",
        exclude=author,
    )
    return update, True


def community_update_delete(*, update: Update, by: User) -> None:
    Update.objects.filter(pk=update.pk).delete()


def learning_record_save(*, community: LearningCommunity, user: User, text: str) -> LearningRecord:
    """Write or rewrite the participant's one learning record in the community."""
    if not CommunityMembership.objects.filter(community=community, user=user).exists():
        raise ValidationError(
            _("Only participants of the community keep a learning record in it."),
            code="not_member",
        )
    text = text.strip()
    LearningRecord(community=community, user=user, text=text).clean_fields(
        exclude=["community", "user"]
    )
    record, _created = LearningRecord.objects.update_or_create(
        community=community, user=user, defaults={"text": text}
    )
    return record
