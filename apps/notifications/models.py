from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import NotificationKind


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def visible_to(self, user):
        """A person sees only their own notices; nobody else's, not even staff's."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.for_user(user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One notice for one person, shown in the site and (depending on the person's
    preference) sent by email. Title and body are rendered in the recipient's language when
    the notice is created, so the list needs no per-row work."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), max_length=5000, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    # Makes notifying idempotent: a retried task or a double submit notifies once.
    dedupe_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Delivery claims, each set by a conditional UPDATE so a retried or redelivered task sends
    # at most one email per notice (a failed send clears its own claim for the retry).
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    digested_at = models.DateTimeField(_("in weekly summary"), null=True, blank=True)
    # The durable intent to email this notice immediately: set in the transaction that creates
    # the notice, cleared once the email is sent or no longer wanted. The sweep sends every
    # notice whose time has come again (the broker was down, or a send failed: each failure
    # pushes the time back further), until EMAIL_MAX_ATTEMPTS failures.
    email_due_at = models.DateTimeField(_("email due"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("failed email attempts"), default=0)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values),
                name="notification_kind_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["email_due_at"],
                condition=models.Q(email_due_at__isnull=False),
                name="notification_email_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.title}"


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately by email")
    WEEKLY = "weekly", _("In a weekly summary email")
    OFF = "off", _("No email (only on the site)")


class NotificationPreference(models.Model):
    """How one person wants to hear about one kind of notice. No row means the default,
    `immediately`, so new kinds reach everyone without a data migration."""

    DEFAULT = Frequency.IMMEDIATELY

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    frequency = models.CharField(
        _("email"), max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATELY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values),
                name="notification_preference_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=Frequency.values),
                name="notification_preference_frequency_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} → {self.frequency}"
