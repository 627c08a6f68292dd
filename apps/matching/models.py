from django.conf import settings
from django.contrib.postgres.fields import ArrayField
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
    rank = models.PositiveSmallIntegerField(
        _("rank"), null=True, blank=True, help_text=_("1 is the top suggestion.")
    )
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
        ordering = ["challenge", "rank", "-score"]
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
            # Accepted matches are few among a million suggestions; remaining capacity and
            # the insights read only them.
            models.Index(
                fields=["challenge", "organisation", "status_changed_at"],
                condition=models.Q(status="accepted"),
                name="match_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.challenge} ↔ {self.organisation or self.person} ({self.score:.2f})"


class MatchRun(models.Model):
    """One recompute of matches: a single challenge, the challenges a supplier change
    affects, a hub, or the whole country. Split into chunks that workers claim one by one,
    so several workers share a big run and a retried task picks up its own chunk."""

    class Kind(models.TextChoices):
        CHALLENGE = "challenge", _("one challenge")
        SUPPLIER = "supplier", _("after a supplier changed")
        HUB = "hub", _("one hub")
        FULL = "full", _("whole country")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    balanced = models.BooleanField(
        _("balanced"),
        default=False,
        help_text=_("Top suggestions distributed over the hub within suppliers' capacity."),
    )
    hub = models.ForeignKey(
        "hubs.Hub", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(_("trigger"), max_length=200, blank=True)
    top_n = models.PositiveSmallIntegerField(_("suggestions per challenge"), default=10)
    algorithm_version = models.CharField(_("algorithm version"), max_length=20, blank=True)
    chunks_total = models.PositiveIntegerField(_("parts"), default=0)
    chunks_done = models.PositiveIntegerField(_("parts done"), default=0)
    challenges_total = models.PositiveIntegerField(_("challenges"), default=0)
    challenges_done = models.PositiveIntegerField(_("challenges done"), default=0)
    matches_written = models.PositiveIntegerField(_("suggestions written"), default=0)
    matches_removed = models.PositiveIntegerField(_("suggestions removed"), default=0)
    scoring_seconds = models.FloatField(_("scoring time (s)"), default=0)
    writing_seconds = models.FloatField(_("writing time (s)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(chunks_done__lte=models.F("chunks_total")),
                name="matchrun_progress_within_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def progress(self) -> float:
        return self.chunks_done / self.chunks_total if self.chunks_total else 0.0


class MatchRunChunk(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="chunks")
    position = models.PositiveIntegerField()
    challenge_ids = ArrayField(models.BigIntegerField())
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # The Celery task id that claimed the chunk: a retry of the same task may claim it again.
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The claim holds until then; the worker renews it while it scores. Once it has passed
    # (the worker was killed), the sweep sends the chunk again and another worker takes over.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # When the chunk was last handed to the broker; pending work not picked up within the
    # grace period after it is sent again (the broker was down, or lost the message).
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="matchrunchunk_unique")
        ]
        indexes = [
            # The sweep reads only unfinished chunks, a handful among many done ones.
            models.Index(
                fields=["sent_at"],
                condition=~models.Q(status="done"),
                name="matchrunchunk_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.run} part {self.position}"


class IntroductionRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Introduction requests the user may read: those of the partner organisations and
        the asking organisations they are an active member of, and those in the regions they
        coordinate."""
        from apps.accounts.permissions import provinces_coordinated_by
        from apps.organisations.models import Membership

        if not user.is_authenticated:
            return self.none()
        organisations = Membership.objects.active_for(user).values("organisation")
        return self.filter(
            models.Q(match__organisation__in=organisations)
            | models.Q(match__challenge__organisation__in=organisations)
            | models.Q(match__challenge__province__in=provinces_coordinated_by(user).values("pk"))
        )


class IntroductionRequest(models.Model):
    """An organisation asks to be introduced to a matched partner. Contact is brokered: the
    partner reads the challenge and the message, but learns who asked (name and email) only
    once it accepts; the request itself is the asking side's consent to share its contact.
    One per match, so a double submit asks once."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("waiting for the partner")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    match = models.OneToOneField(
        Match, on_delete=models.CASCADE, related_name="introduction", verbose_name=_("match")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introduction_requests",
        verbose_name=_("requested by"),
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = IntroductionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("introduction request")
        verbose_name_plural = _("introduction requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["requested", "accepted", "declined"]),
                name="introductionrequest_state_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(state="requested") | models.Q(decided_at__isnull=False),
                name="introductionrequest_decision_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match} ({self.get_state_display()})"

    @property
    def contacts_shared(self) -> bool:
        return self.state == self.State.ACCEPTED
