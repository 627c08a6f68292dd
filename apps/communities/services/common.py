"""What the community services share: how a person and a moment are named in notices, and
the community row lock that makes a double submit return the first object."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User

from ..models import (
    LearningCommunity,
)

# Two identical updates by one person within this time are one double submit.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


def person_name(user: User | None) -> str:
    """Names only in notices; never an email address."""
    if user is None:
        return _("Someone")
    return user.full_name or _("Someone")


def moment_text(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def community_lock(community: LearningCommunity) -> LearningCommunity:
    return LearningCommunity.objects.select_for_update(no_key=True).get(pk=community.pk)
