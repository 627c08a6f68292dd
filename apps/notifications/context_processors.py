from functools import cache

from .models import Notification


def unread_notifications(request):
    """The unread count in the header: computed on first use only, and once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def count() -> int:
        return Notification.objects.for_user(user).unread().count()

    return {"unread_notification_count": count}
