from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.challenges.models import Visibility
from apps.core.search import bilingual_search_vector


class KnowledgeItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.filter(visibility=Visibility.PUBLIC)
        from apps.accounts.permissions import sees_all_hubs
        from apps.communities.models import CommunityMembership, LearningCommunity
        from apps.hubs.models import Hub
        from apps.organisations.models import Membership

        if sees_all_hubs(user):
            return self
        # Subqueries on the row's own columns, not joins: no fan-out, no DISTINCT.
        communities_of_member = CommunityMembership.objects.filter(user=user).values("community_id")
        communities_coordinated = LearningCommunity.objects.filter(
            hub_id__in=Hub.objects.coordinated_by(user).values("pk")
        ).values("pk")
        communities_in_member_region = LearningCommunity.objects.filter(
            hub_id__in=Hub.provinces.through.objects.filter(
                province_id__in=Membership.objects.province_ids_of(user)
            ).values("hub_id")
        ).values("pk")
        condition = (
            models.Q(visibility__in=[Visibility.PUBLIC, Visibility.MEMBERS])
            | models.Q(author=user)
            | models.Q(source_community_id__in=communities_of_member)
            | models.Q(source_community_id__in=communities_coordinated)
            | models.Q(
                visibility=Visibility.HUB,
                source_community_id__in=communities_in_member_region,
            )
        )
        return self.filter(condition)


class KnowledgeItem(models.Model):
    class Kind(models.TextChoices):
        CASE = "case", _("case")
        TOOL = "tool", _("tool")
        INSTRUMENT = "instrument", _("instrument")
        LESSON = "lesson", _("lesson learned")
        TEACHING_MATERIAL = "teaching-material", _("teaching material")

    class Licence(models.TextChoices):
        CC_BY = "cc-by-4.0", "CC BY 4.0"
        CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
        CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
        CC0 = "cc0-1.0", "CC0 1.0"
        ALL_RIGHTS_RESERVED = "all-rights-reserved", _("all rights reserved")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("summary"), max_length=2000)
    body = models.TextField(_("text"), max_length=50000, blank=True)
    file = models.FileField(_("file"), upload_to="knowledge/%Y/%m/", blank=True)
    link = models.URLField(_("link"), blank=True)
    topics = models.ManyToManyField(
        "taxonomy.AITopic", blank=True, related_name="knowledge_items", verbose_name=_("AI topics")
    )
    sectors = models.ManyToManyField(
        "taxonomy.Sector", blank=True, related_name="knowledge_items", verbose_name=_("sectors")
    )
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY
    )
    source_community = models.ForeignKey(
        "communities.LearningCommunity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="knowledge_items",
        verbose_name=_("source community"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Stemmed lexemes of the text in Dutch and in English, for the knowledge base's search.
    search_document = models.GeneratedField(
        expression=bilingual_search_vector("title", "summary", "body"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = KnowledgeItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("knowledge item")
        verbose_name_plural = _("knowledge items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["case", "tool", "instrument", "lesson", "teaching-material"]
                ),
                name="knowledgeitem_kind_valid",
            ),
        ]
        indexes = [GinIndex(fields=["search_document"], name="knowledgeitem_search_gin")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:detail", kwargs={"slug": self.slug})
