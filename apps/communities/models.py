from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CommunityStatus(models.TextChoices):
    FORMING = "forming", _("forming")
    ACTIVE = "active", _("active")
    COMPLETED = "completed", _("completed")


# The only moves a community's status can make (`community_change_status` refuses others).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    CommunityStatus.FORMING: frozenset({CommunityStatus.ACTIVE}),
    CommunityStatus.ACTIVE: frozenset({CommunityStatus.COMPLETED}),
    CommunityStatus.COMPLETED: frozenset(),
}


class LearningCommunityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Communities are public unless marked members-only; their own members, the people
        invited to them and the hub's coordinators always see them."""
        if user.is_authenticated:
            from apps.accounts.permissions import sees_all_hubs
            from apps.hubs.models import Hub

            if sees_all_hubs(user):
                return self
            # Subqueries on the row's own columns, not joins: no fan-out, no DISTINCT.
            condition = (
                models.Q(is_public=True)
                | models.Q(
                    pk__in=CommunityMembership.objects.filter(user=user).values("community_id")
                )
                | models.Q(hub_id__in=Hub.objects.coordinated_by(user).values("pk"))
                # Someone invited needs to see what they are invited to before answering.
                | models.Q(
                    pk__in=CommunityInvitation.objects.filter(user=user)
                    .pending()
                    .values("community_id")
                )
            )
            return self.filter(condition)
        return self.filter(is_public=True)


class LearningCommunity(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    goal = models.TextField(_("goal"), max_length=5000)
    learning_objectives = models.TextField(_("learning objectives"), max_length=5000, blank=True)
    hub = models.ForeignKey(
        "hubs.Hub", on_delete=models.PROTECT, related_name="communities", verbose_name=_("hub")
    )
    challenges = models.ManyToManyField(
        "challenges.Challenge",
        blank=True,
        related_name="communities",
        verbose_name=_("challenges"),
    )
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="communities",
        verbose_name=_("member organisations"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CommunityStatus.choices, default=CommunityStatus.FORMING
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Anyone can see the community page.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LearningCommunityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("learning community")
        verbose_name_plural = _("learning communities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CommunityStatus.values),
                name="community_status_valid",
            )
        ]
        indexes = [models.Index(fields=["hub", "status"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:detail", kwargs={"slug": self.slug})


class CommunityMembership(models.Model):
    class Role(models.TextChoices):
        COMPANY_PARTICIPANT = "company-participant", _("company participant")
        LECTURER = "lecturer", _("lecturer")
        STUDENT = "student", _("student")
        RESEARCHER = "researcher", _("researcher")
        COORDINATOR = "coordinator", _("coordinator")

    community = models.ForeignKey(
        LearningCommunity, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_memberships"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("community member")
        verbose_name_plural = _("community members")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], name="communitymembership_one_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.community} ({self.get_role_display()})"


class JoinRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")
        WITHDRAWN = "withdrawn", _("withdrawn")

    community = models.ForeignKey(
        LearningCommunity, on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    role = models.CharField(_("role"), max_length=20, choices=CommunityMembership.Role.choices)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=models.Q(state="pending"),
                name="joinrequest_one_pending_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.community} ({self.get_state_display()})"


class Activity(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("meeting")
        WORKSHOP = "workshop", _("workshop")
        MASTERCLASS = "masterclass", _("masterclass")
        HACKATHON = "hackathon", _("hackathon")
        OTHER = "other", _("other")

    community = models.ForeignKey(
        LearningCommunity, on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MEETING)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    # The calendar feed's DTSTAMP/LAST-MODIFIED: calendar apps refresh an event that changed.
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gte=models.F("starts_at")),
                name="activity_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        """Checked by every form (the community's own and the admin): people need to know
        where to go, and an end before the start makes no sense in a calendar."""
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if not self.location.strip() and not self.online_url.strip():
            errors["location"] = _("Give a place, an online link, or both.")
        if errors:
            raise ValidationError(errors)


class Update(models.Model):
    community = models.ForeignKey(
        LearningCommunity, on_delete=models.CASCADE, related_name="updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"), max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("update")
        verbose_name_plural = _("updates")

    def __str__(self) -> str:
        return f"{self.community}: {self.body[:40]}"


class LearningRecord(models.Model):
    """What one participant learned in a community and how they use it at work: the
    programme's evidence of workplace learning. One per participant per community, kept up
    to date by its author."""

    community = models.ForeignKey(
        LearningCommunity, on_delete=models.CASCADE, related_name="learning_records"
    )
    # Kept, without the person, when an account is deleted: the lesson stays evidence.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learning_records",
        verbose_name=_("participant"),
    )
    text = models.TextField(_("what I learned and how I use it at work"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("learning record")
        verbose_name_plural = _("learning records")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], name="learningrecord_one_per_participant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user or '–'} – {self.community}"


class CommunityInvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=CommunityInvitation.State.PENDING)


class CommunityInvitation(models.Model):
    """An invitation to take part in a community, sent when a hub coordinator forms it from
    a challenge's accepted matches. The invitee accepts (and becomes a member, on behalf of
    the organisation they were invited for) or declines; either way the coordinators hear."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    community = models.ForeignKey(
        LearningCommunity,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("community"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_invitations",
        verbose_name=_("invited person"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    role = models.CharField(_("role"), max_length=20, choices=CommunityMembership.Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = CommunityInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("community invitation")
        verbose_name_plural = _("community invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=models.Q(state="pending"),
                name="communityinvitation_one_pending_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "accepted", "declined"]),
                name="communityinvitation_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "state"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.community} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("communities:invitation", kwargs={"pk": self.pk})
