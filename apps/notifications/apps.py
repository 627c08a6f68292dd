from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "apps.notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from apps.core.delivery import redeliverer_register

        from .services import notification_emails_redeliver

        redeliverer_register("notifications.emails", notification_emails_redeliver)
