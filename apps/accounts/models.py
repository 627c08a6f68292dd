from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.taxonomy.models import Province


class Audience(models.TextChoices):
    """Who may see a part of a person's profile."""

    ONLY_ME = "only-me", _("only me")
    MEMBERS = "members", _("signed-in members")
    EVERYONE = "everyone", _("everyone")


# Whose name a visitor (not signed in) may see: people who made part of their profile public.
NAME_PUBLIC = models.Q(email_visibility=Audience.EVERYONE) | models.Q(
    profile_visibility=Audience.EVERYONE
)


class UserQuerySet(models.QuerySet):
    def names_shown_to(self, viewer):
        """The people whose name `viewer` may see: `User.shows_name_to` for a whole list."""
        if viewer is not None and viewer.is_authenticated:
            return self
        return self.filter(NAME_PUBLIC)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; the profile lives on the same row because every
    person has exactly one."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    province = models.ForeignKey(
        "taxonomy.Province",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
    )
    expertise_topics = models.ManyToManyField(
        "taxonomy.AITopic", blank=True, related_name="experts", verbose_name=_("expertise")
    )
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    offer = models.TextField(
        _("what I can offer"),
        max_length=2000,
        blank=True,
        help_text=_(
            "For example student projects, research time, a guest lecture or lab facilities."
        ),
    )
    email_visibility = models.CharField(
        _("who may see my email address"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.ONLY_ME,
    )
    profile_visibility = models.CharField(
        _("who may see my profile details"),
        max_length=10,
        choices=Audience.choices,
        default=Audience.MEMBERS,
        help_text=_("Province, expertise, about me, what I can offer and my organisations."),
    )
    is_programme_coordinator = models.BooleanField(
        _("programme coordinator"),
        default=False,
        help_text=_("Sees all hubs and curates the national knowledge base."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    # A coordinator's reach (the hubs they coordinate; every hub for programme coordinators
    # and superusers) counts on a web request only when that login included the second
    # factor: `apps.accounts.middleware.CoordinatorReachMiddleware` sets this per request.
    # Outside a request (tasks, commands, the shell) the reach is whole.
    coordinator_reach_confirmed = True

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(email_visibility__in=Audience.values),
                name="user_email_visibility_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(profile_visibility__in=Audience.values),
                name="user_profile_visibility_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Who may do what: the one vocabulary every app asks (never the flags themselves). For
    # any user, anonymous visitors included, ask `apps.accounts.permissions`.

    @property
    def sees_all_hubs(self) -> bool:
        """Superusers and programme coordinators see every hub: the one definition. Like any
        coordinator reach it counts only once the login included the second factor."""
        return bool(
            self.is_active
            and (self.is_superuser or self.is_programme_coordinator)
            and self.coordinator_reach_confirmed
        )

    @property
    def is_hub_coordinator(self) -> bool:
        """The role, not the reach: true before the second factor too (it is what asks for
        one)."""
        return self.coordinated_hubs.exists()

    def coordinated_provinces(self) -> models.QuerySet[Province]:
        """The provinces of the hubs this person coordinates: every province for who sees
        all hubs, none until the second factor is done."""
        if not self.coordinator_reach_confirmed:
            return Province.objects.none()
        if self.sees_all_hubs:
            return Province.objects.all()
        return Province.objects.filter(pk__in=self.coordinated_hubs.values("provinces"))

    def coordinates(self, province) -> bool:
        """Whether `province` (a Province or its id) lies within this person's reach."""
        province_id = getattr(province, "pk", province)
        return self.coordinated_provinces().filter(pk=province_id).exists()

    def shows(self, audience: str, *, to) -> bool:
        """Whether `to` (a user, possibly anonymous) is in `audience` for this person."""
        if to.is_authenticated and to.pk == self.pk:
            return True
        if audience == Audience.EVERYONE:
            return True
        return audience == Audience.MEMBERS and to.is_authenticated

    def shows_email_to(self, viewer) -> bool:
        return self.shows(self.email_visibility, to=viewer)

    def shows_profile_to(self, viewer) -> bool:
        return self.shows(self.profile_visibility, to=viewer)

    def shows_name_to(self, viewer) -> bool:
        """Signed-in members always see the name; visitors only when the person made part
        of their profile public (what the privacy page promises). Lists ask
        `User.objects.names_shown_to(viewer)`, the same rule as a query (`NAME_PUBLIC`)."""
        if viewer is not None and viewer.is_authenticated:
            return True
        return Audience.EVERYONE in (self.email_visibility, self.profile_visibility)
