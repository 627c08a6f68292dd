from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.search import bilingual_search_vector


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for review")
    PUBLISHED = "published", _("published")
    IN_COMMUNITY = "in_community", _("in a community")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("everyone")
    MEMBERS = "members", _("signed-in members")
    HUB = "hub", _("partners in the hub's region")


# The only moves a challenge can make; `challenge_change_status` refuses every other one.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    ChallengeStatus.DRAFT: frozenset({ChallengeStatus.SUBMITTED}),
    ChallengeStatus.SUBMITTED: frozenset(
        {ChallengeStatus.PUBLISHED, ChallengeStatus.REJECTED, ChallengeStatus.DRAFT}
    ),
    ChallengeStatus.REJECTED: frozenset({ChallengeStatus.DRAFT, ChallengeStatus.SUBMITTED}),
    ChallengeStatus.PUBLISHED: frozenset({ChallengeStatus.IN_COMMUNITY, ChallengeStatus.CLOSED}),
    ChallengeStatus.IN_COMMUNITY: frozenset({ChallengeStatus.CLOSED}),
    ChallengeStatus.CLOSED: frozenset(),
}

# Statuses in which a challenge is out in the open (subject to its visibility).
OPEN_STATUSES = (ChallengeStatus.PUBLISHED, ChallengeStatus.IN_COMMUNITY, ChallengeStatus.CLOSED)


def _of_unverified_organisation() -> models.Q:
    """The few organisations still waiting for verification, as a subquery on the row's own
    column: no join, and the challenge index still answers alone (a partial index on the
    organisations finds the waiting ones)."""
    from apps.organisations.models import Organisation

    return models.Q(organisation_id__in=Organisation.objects.unverified().values("pk"))


class ChallengeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ChallengeStatus.PUBLISHED)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def of_verified_organisations(self):
        """Posted by an organisation a hub coordinator has verified: only those reach people
        outside the organisation and its hub (an unverified one is hidden, and so is what it
        posts)."""
        return self.exclude(_of_unverified_organisation())

    def in_hubs(self, hubs):
        return self.filter(province__hubs__in=hubs)

    def visible_to(self, user):
        """What a user may see. Drafts stay with their organisation; coordinators see
        everything submitted in their region; other people see open challenges whose
        visibility admits them, of organisations the hub has verified.

        Every relation is a subquery on the row's own column, never a join: a join through
        memberships and hub provinces fans out (tens of thousands of rows at national size)
        and needs a DISTINCT, where `column IN (subquery)` is one hashed lookup per row."""
        from apps.accounts.permissions import sees_all_hubs
        from apps.hubs.models import Hub
        from apps.organisations.models import Membership

        if not user.is_authenticated:
            return self.open().of_verified_organisations().filter(visibility=Visibility.PUBLIC)
        own = models.Q(organisation_id__in=Membership.objects.organisation_ids_of(user))
        if sees_all_hubs(user):
            return self.filter(own | ~models.Q(status=ChallengeStatus.DRAFT))
        region_of_member = models.Q(
            province_id__in=Hub.objects.province_ids_sharing_a_hub_with(
                Membership.objects.province_ids_of(user)
            )
        )
        return self.filter(
            own
            | (
                models.Q(province_id__in=Hub.objects.province_ids_coordinated_by(user))
                & ~models.Q(status=ChallengeStatus.DRAFT)
            )
            | (
                models.Q(status__in=OPEN_STATUSES)
                & ~_of_unverified_organisation()
                & (
                    models.Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS])
                    | (models.Q(visibility=Visibility.HUB) & region_of_member)
                )
            )
        )


class Challenge(models.Model):
    class TimeFrame(models.TextChoices):
        ASAP = "asap", _("as soon as possible")
        WITHIN_3_MONTHS = "3-months", _("within three months")
        WITHIN_6_MONTHS = "6-months", _("within six months")
        WITHIN_YEAR = "12-months", _("within a year")
        FLEXIBLE = "flexible", _("flexible")

    ref = models.CharField(
        _("external reference"), max_length=64, unique=True, null=True, blank=True
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("the problem and the goal"),
        max_length=10000,
        help_text=_("Describe it in your own words; no AI jargon needed."),
    )
    learning_goals = models.TextField(
        _("what people want to learn"),
        max_length=5000,
        blank=True,
        help_text=_("Who in your organisation wants to learn what along the way?"),
    )
    province = models.ForeignKey(
        "taxonomy.Province",
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("province"),
    )
    topics = models.ManyToManyField(
        "taxonomy.AITopic", related_name="challenges", verbose_name=_("AI topics")
    )
    sectors = models.ManyToManyField(
        "taxonomy.Sector", blank=True, related_name="challenges", verbose_name=_("sectors")
    )
    formats = models.ManyToManyField(
        "taxonomy.Format", blank=True, related_name="challenges", verbose_name=_("wanted formats")
    )
    time_frame = models.CharField(
        _("time frame"), max_length=12, choices=TimeFrame.choices, default=TimeFrame.FLEXIBLE
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        _("status"), max_length=14, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT
    )
    rejection_reason = models.TextField(_("reason for rejection"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Restarts the wait for a community (apps/challenges/stale.py) without rewriting when the
    # challenge was first published, which the insights measure from.
    renewed_at = models.DateTimeField(_("renewed"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set by the challenge form: a second POST of the same form (a double click, a reload)
    # finds the challenge the first one made instead of making another.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Stemmed, stop-word-free lexemes of the text in Dutch and in English (challenges are
    # written in either): full-text search and the matcher's text similarity use it.
    search_document = models.GeneratedField(
        expression=bilingual_search_vector("title", "description", "learning_goals"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ChallengeStatus.values),
                name="challenge_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=Visibility.values),
                name="challenge_visibility_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ChallengeStatus.REJECTED)
                | ~models.Q(rejection_reason=""),
                name="challenge_rejection_has_reason",
            ),
            models.CheckConstraint(condition=~models.Q(ref=""), name="challenge_ref_not_empty"),
        ]
        indexes = [
            GinIndex(fields=["search_document"], name="challenge_search_gin"),
            # Covering: counts per status and province (insights, hub pages, the home page's
            # figures for visitors), and the ids of the challenges a person may see (their own
            # organisation's among them: `visible_to`, kept per person by the directory), read
            # the index only, not the wide rows with their search documents (a member's ids
            # at national size: 99 ms by the table, 32 ms by this index).
            models.Index(
                fields=["status", "province"],
                include=["id", "published_at", "visibility", "organisation"],
                name="challenge_status_province_incl",
            ),
            models.Index(fields=["status", "-published_at"]),
            # The directory's default order (`filters.NEWEST_FIRST`): the first page reads
            # twenty rows in index order instead of sorting every visible challenge.
            models.Index(
                models.F("published_at").desc(nulls_last=True),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="challenge_newest_first",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", kwargs={"pk": self.pk})


# Statuses in which the organisation may still change what the challenge says. A published
# challenge takes plain fixes (and is matched again); under review it must be withdrawn first.
EDITABLE_STATUSES = (ChallengeStatus.DRAFT, ChallengeStatus.REJECTED, ChallengeStatus.PUBLISHED)
# Statuses in which partners are matched, shown and may express interest.
MATCHED_STATUSES = (ChallengeStatus.PUBLISHED, ChallengeStatus.IN_COMMUNITY)


class ChallengeInterestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An interest is seen by the person who expressed it, the active members of the
        challenge's organisation and the coordinators of its region."""
        from apps.accounts.permissions import provinces_coordinated_by
        from apps.organisations.models import Membership

        if not user.is_authenticated:
            return self.none()
        condition = (
            models.Q(user=user)
            | models.Q(
                challenge__organisation__in=Membership.objects.active_for(user).values(
                    "organisation"
                )
            )
            | models.Q(challenge__province__in=provinces_coordinated_by(user).values("pk"))
        )
        return self.filter(condition)


class ChallengeInterest(models.Model):
    """A person (typically a lecturer) tells the organisation they would like to work on its
    challenge. Expressing interest shares the person's name and email address with the
    organisation; the form says so."""

    challenge = models.ForeignKey(
        Challenge,
        on_delete=models.CASCADE,
        related_name="interests",
        verbose_name=_("challenge"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="challenge_interests",
        verbose_name=_("person"),
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("expressed"), auto_now_add=True)

    objects = ChallengeInterestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("interest in a challenge")
        verbose_name_plural = _("interests in challenges")
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "user"], name="challengeinterest_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.challenge}"


class ChallengeToReview(Challenge):
    """The hub coordinators' review queue in the admin: the same rows as Challenge, listed
    and acted on differently (apps/challenges/admin_review.py)."""

    class Meta:
        proxy = True
        verbose_name = _("challenge to review")
        verbose_name_plural = _("challenges to review")
