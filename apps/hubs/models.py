from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import hubs_coordinated_by
from apps.taxonomy.models import in_active_language


class HubQuerySet(models.QuerySet):
    def coordinated_by(self, user):
        """Hubs whose region the user coordinates; programme coordinators coordinate all
        (`accounts.permissions.hubs_coordinated_by`, narrowed to this queryset)."""
        return self & hubs_coordinated_by(user)

    def province_ids_coordinated_by(self, user):
        """Subquery of the provinces the user coordinates (one column, no fan-out: use it as
        `province_id__in=`)."""
        return Hub.provinces.through.objects.filter(
            hub_id__in=self.coordinated_by(user).values("pk")
        ).values("province_id")

    def province_ids_sharing_a_hub_with(self, provinces):
        """Subquery of the provinces that lie in a hub with one of `provinces` (a subquery of
        province ids): the region of a member's organisations."""
        hub_provinces = Hub.provinces.through.objects
        return hub_provinces.filter(
            hub_id__in=hub_provinces.filter(province_id__in=provinces).values("hub_id")
        ).values("province_id")


class Hub(models.Model):
    """A regional AI hub: matchmaker for the provinces it covers."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    website = models.URLField(_("website"), blank=True)
    provinces = models.ManyToManyField(
        "taxonomy.Province", related_name="hubs", verbose_name=_("provinces")
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="HubCoordinator",
        related_name="coordinated_hubs",
        blank=True,
        verbose_name=_("coordinators"),
    )

    objects = HubQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("AI hub")
        verbose_name_plural = _("AI hubs")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:detail", kwargs={"slug": self.slug})

    @property
    def description(self) -> str:
        return in_active_language(self.description_nl, self.description_en)


class HubCoordinator(models.Model):
    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="coordinator_links")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_links"
    )
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("hub coordinator")
        verbose_name_plural = _("hub coordinators")
        constraints = [
            models.UniqueConstraint(fields=["hub", "user"], name="hubcoordinator_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.hub}"
