"""Reference data: provinces, AI topics, sectors, organisation kinds and formats.

Seeded by data migrations so every environment has the same slugs (PRODUCT.md section 4);
labels are stored in Dutch and English because staff edit them in the admin, where
gettext catalogues cannot reach.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_active_language(dutch: str, english: str) -> str:
    """Pick the text for the reader's language; Dutch is the default."""
    return english if (get_language() or "nl")[:2] == "en" and english else dutch


class BilingualLabel(models.Model):
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_active_language(self.name_nl, self.name_en)


class Province(BilingualLabel):
    code = models.CharField(_("ISO 3166-2 code"), max_length=5, unique=True)
    neighbours = models.ManyToManyField(
        "self", symmetrical=True, blank=True, verbose_name=_("land borders")
    )

    class Meta:
        ordering = ["name_nl"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class AITopicQuerySet(models.QuerySet):
    def groups(self):
        return self.filter(parent__isnull=True)

    def leaves(self):
        return self.filter(parent__isnull=False)


class AITopic(BilingualLabel):
    """A two-level taxonomy: a topic without parent is a group; naming a group means
    "anything in this group"."""

    slug = models.SlugField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("group"),
    )
    description_nl = models.CharField(_("plain explanation (Dutch)"), max_length=300, blank=True)
    description_en = models.CharField(_("plain explanation (English)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = AITopicQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("AI topic")
        verbose_name_plural = _("AI topics")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="aitopic_not_own_parent"
            )
        ]

    @property
    def is_group(self) -> bool:
        return self.parent_id is None

    @property
    def description(self) -> str:
        return in_active_language(self.description_nl, self.description_en)


class Sector(BilingualLabel):
    slug = models.SlugField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Format(BilingualLabel):
    """A way of working together: what a supplier offers and a challenge wants."""

    slug = models.SlugField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("format")
        verbose_name_plural = _("formats")


class OrganisationKind(BilingualLabel):
    class Role(models.TextChoices):
        DEMAND = "demand", _("demand (posts challenges)")
        SUPPLY = "supply", _("supply (education and innovation labs)")
        OTHER = "other", _("other")

    slug = models.SlugField(max_length=60, unique=True)
    role = models.CharField(max_length=10, choices=Role.choices)
    is_education = models.BooleanField(
        _("education partner"),
        default=False,
        help_text=_("Counts as an education partner when a community is put together."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("organisation kind")
        verbose_name_plural = _("organisation kinds")
