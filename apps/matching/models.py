from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", _("suggested")
    SHORTLISTED = "shortlisted", _("shortlisted")
    CONTACTED = "contacted", _("contacted")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")


# Statuses a person has set; a recompute never overwrites or deletes these.
HUMAN_DECIDED_STATUSES = (
    MatchStatus.SHORTLISTED,
    MatchStatus.CONTACTED,
    MatchStatus.ACCEPTED,
    MatchStatus.DECLINED,
)


class Match(models.Model):
    """A suggested pairing of a challenge with a supply organisation or, for lecturers,
    with a person. Reasons are structured codes with parameters, e.g.
    ``[{"code": "shared_topics", "params": {"topics": ["nlp"]}}]``, rendered in the
    reader's language by the UI."""

    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("challenge"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("person"),
    )
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    algorithm_version = models.CharField(_("algorithm version"), max_length=20)
    computed_at = models.DateTimeField(_("computed"))
    status = models.CharField(
        _("review status"),
        max_length=12,
        choices=MatchStatus.choices,
        default=MatchStatus.SUGGESTED,
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["challenge", "-score"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=1),
                name="match_score_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False, person__isnull=True)
                | models.Q(organisation__isnull=True, person__isnull=False),
                name="match_organisation_xor_person",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MatchStatus.values), name="match_status_valid"
            ),
            models.UniqueConstraint(
                fields=["challenge", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="match_one_per_challenge_organisation",
            ),
            models.UniqueConstraint(
                fields=["challenge", "person"],
                condition=models.Q(person__isnull=False),
                name="match_one_per_challenge_person",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["challenge", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} ↔ {self.organisation or self.person} ({self.score:.2f})"
