from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.search import bilingual_search_vector

# The Chamber of Commerce (Kamer van Koophandel) number: eight digits, the same for every
# kind of legal entity (a company, a foundation running a hogeschool, a municipality).
KVK_NUMBER_PATTERN = r"^[0-9]{8}$"
validate_kvk_number = RegexValidator(
    KVK_NUMBER_PATTERN, message=_("A KvK number has 8 digits."), code="kvk-format"
)


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def suppliers(self):
        return self.filter(kind__role="supply")

    def demanders(self):
        return self.filter(kind__role="demand")

    def education(self):
        """Education partners (hogescholen, MBO colleges, universities, lectoraten...): what
        another organisation can be part of."""
        return self.filter(kind__is_education=True)

    def verified(self):
        """Checked by a hub coordinator (or made by one, through an import or the admin)."""
        return self.filter(verified_at__isnull=False)

    def unverified(self):
        return self.filter(verified_at__isnull=True)

    def in_hubs(self, hubs):
        return self.filter(province__hubs__in=hubs).distinct()

    def administered_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            memberships__user=user,
            memberships__role=Membership.Role.ADMIN,
            memberships__state=Membership.State.ACTIVE,
        )

    def visible_to(self, user):
        """The public directory holds active, verified organisations; their own members and
        the coordinators of their region also see inactive ones and those still waiting for
        verification (which are hidden from everyone else, so a made-up organisation is
        never public)."""
        from apps.accounts.permissions import sees_all_hubs
        from apps.hubs.models import Hub

        if sees_all_hubs(user):
            return self
        visible = models.Q(is_active=True, verified_at__isnull=False)
        if user.is_authenticated:
            # Subqueries on the row's own columns, not joins: no fan-out, no DISTINCT.
            visible |= models.Q(pk__in=Membership.objects.organisation_ids_of(user))
            visible |= models.Q(province_id__in=Hub.objects.province_ids_coordinated_by(user))
        return self.filter(visible)


class Organisation(models.Model):
    ref = models.CharField(
        _("external reference"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Key used by spreadsheet imports; re-importing the same ref updates."),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.ForeignKey(
        "taxonomy.OrganisationKind",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("kind"),
    )
    province = models.ForeignKey(
        "taxonomy.Province",
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("province"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
        help_text=_("For example the hogeschool a lectoraat belongs to."),
    )
    website = models.URLField(_("website"), blank=True)
    kvk_number = models.CharField(
        _("KvK number"),
        max_length=8,
        blank=True,
        validators=[validate_kvk_number],
        help_text=_("The 8 digits of its registration at the Chamber of Commerce (KvK)."),
    )
    description = models.TextField(_("description"), max_length=5000, blank=True)
    topics = models.ManyToManyField(
        "taxonomy.AITopic",
        blank=True,
        related_name="organisations",
        verbose_name=_("AI topics"),
    )
    sectors = models.ManyToManyField(
        "taxonomy.Sector", blank=True, related_name="organisations", verbose_name=_("sectors")
    )
    formats = models.ManyToManyField(
        "taxonomy.Format",
        blank=True,
        related_name="organisations",
        verbose_name=_("formats offered"),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        default=0,
        help_text=_("How many challenges it can take on at once."),
    )
    serves_nationally = models.BooleanField(_("serves the whole country"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Empty until a hub coordinator has checked that the organisation is what it says it is;
    # until then only its members and its region's coordinators see it.
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_document = models.GeneratedField(
        expression=bilingual_search_vector("name", "description"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=0), name="organisation_capacity_non_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="organisation_not_own_parent"
            ),
            models.CheckConstraint(condition=~models.Q(ref=""), name="organisation_ref_not_empty"),
            models.CheckConstraint(
                condition=models.Q(kvk_number="") | models.Q(kvk_number__regex=KVK_NUMBER_PATTERN),
                name="organisation_kvk_number_format",
            ),
            models.UniqueConstraint(
                fields=["kvk_number"],
                condition=~models.Q(kvk_number=""),
                name="organisation_kvk_number_unique",
                violation_error_message=_(
                    "An organisation with this KvK number is already on the platform."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "province"]),
            # The directory's default order: its first page reads 24 rows of this index
            # instead of sorting every organisation (20 ms at national size).
            models.Index(fields=["name", "id"], name="organisation_name_order"),
            GinIndex(fields=["search_document"], name="organisation_search_gin"),
            # The few waiting for verification, which every public list leaves out.
            models.Index(
                fields=["id"],
                condition=models.Q(verified_at__isnull=True),
                name="organisation_unverified",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class MembershipQuerySet(models.QuerySet):
    def active(self):
        """Memberships in force (not a request waiting for a decision)."""
        return self.filter(state=Membership.State.ACTIVE)

    def active_for(self, user):
        """The user's active memberships: what makes someone a member of an organisation
        (none for a visitor)."""
        if not user.is_authenticated:
            return self.none()
        return self.active().filter(user=user)

    def organisation_ids_of(self, user):
        """Subquery of the organisations the user is an active member of (one column, no
        fan-out: use it as `organisation_id__in=`)."""
        return self.active_for(user).values("organisation_id")

    def province_ids_of(self, user):
        """Subquery of the provinces of those organisations."""
        return self.active_for(user).values("organisation__province_id")


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        MEMBER = "member", _("member")

    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ACTIVE = "active", _("active")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="membership_one_per_user_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class OrganisationToVerify(Organisation):
    """The hub coordinators' queue of organisations added on the site that wait for
    verification: the same rows as Organisation, listed and acted on differently
    (apps/organisations/admin_verify.py)."""

    class Meta:
        proxy = True
        verbose_name = _("organisation to verify")
        verbose_name_plural = _("organisations to verify")
