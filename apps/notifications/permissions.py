from typing import Any

from django.shortcuts import get_object_or_404

from .models import Notification


def get_notification_for_reading_or_404(user: Any, pk: int) -> Notification:
    """Someone else's notice does not exist for you: 404, never 403."""
    return get_object_or_404(Notification.objects.visible_to(user), pk=pk)
