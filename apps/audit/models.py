from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CHALLENGE_PUBLISHED = "challenge-published", _("challenge published")
    CHALLENGE_REJECTED = "challenge-rejected", _("challenge rejected")
    CHALLENGE_CLOSED = "challenge-closed", _("challenge closed")
    CHALLENGE_RENEWED = "challenge-renewed", _("challenge renewed")
    MATCH_STATUS_CHANGED = "match-status-changed", _("match status changed")
    MATCHING_STARTED = "matching-started", _("matching run started")
    COMMUNITY_FORMED = "community-formed", _("community formed")
    ORGANISATIONS_IMPORTED = "organisations-imported", _("organisations imported")
    CHALLENGES_IMPORTED = "challenges-imported", _("challenges imported")
    ORGANISATION_VERIFIED = "organisation-verified", _("organisation verified")


class AuditEvent(models.Model):
    """One coordinator action, as it happened: who, what, on which object, when, and the
    relevant fields before and after. Rows are only ever added (the admin shows them
    read-only), and keep their meaning when the actor or the object is deleted later."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text so the row still says who it was after the account is gone.
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    # The region the object belongs to, so a hub coordinator sees their own region's trail.
    province = models.ForeignKey(
        "taxonomy.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=AuditAction.values), name="auditevent_action_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label}: {self.get_action_display()}"
