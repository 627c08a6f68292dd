"""The community directory's filters. A community has no topics or sectors of its own: it
has those of the challenges it works on, counted only for challenges the reader may see, so
a filter never tells what a hidden challenge is about."""

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from apps.challenges.models import Challenge
from apps.core.filters import (
    ChoiceFacetFilter,
    CountPart,
    ListingFilterSet,
    SearchFilter,
    Sort,
    SortFilter,
)
from apps.core.search import bilingual_search_vector
from apps.hubs.facets import HubFacetFilter
from apps.taxonomy.facets import SectorFacetFilter, TopicFacetFilter, topics_matching

from .meaning import community_ids_by_meaning_soon
from .models import CommunityStatus, LearningCommunity

SORTS = {
    "newest": Sort(_("newest first"), ("-created_at", "-pk")),
    "name": Sort(_("name (A–Z)"), ("name", "pk")),
}


def _links(*, user, communities=None):
    """Links of communities (all, or those of the `communities` queryset) to the challenges
    they work on that `user` may see."""
    links = LearningCommunity.challenges.through.objects.filter(
        challenge__in=Challenge.objects.visible_to(user).values("pk")
    )
    if communities is not None:
        links = links.filter(learningcommunity__in=communities.values("pk"))
    return links


def _working_on(links) -> Q:
    return Q(pk__in=links.values("learningcommunity_id"))


class CommunityTopicFilter(TopicFacetFilter):
    # Counted from (community, topic) pairs over the links, like a topic link table.
    count_by_group = True

    def condition(self, values) -> Q:
        links = _links(user=self.parent.user)
        return _working_on(links.filter(challenge__topics__in=topics_matching(values)))

    @property
    def counts_pairs(self) -> bool:
        return True

    def topic_links(self, queryset):
        return (
            _links(user=self.parent.user, communities=queryset),
            "learningcommunity",
            "challenge__topics",
        )


class CommunitySectorFilter(SectorFacetFilter):
    count_by_group = True

    def condition(self, values) -> Q:
        links = _links(user=self.parent.user)
        return _working_on(links.filter(challenge__sectors__in=list(values)))

    def count_parts(self, queryset) -> list[CountPart]:
        links = _links(user=self.parent.user, communities=queryset)
        return [
            CountPart(links, F("challenge__sectors"), Count("learningcommunity", distinct=True))
        ]


class CommunityFilterSet(ListingFilterSet):
    # Few communities per hub: a vector computed per query is enough, no stored document.
    q = SearchFilter(
        document=lambda: bilingual_search_vector("name", "goal", "learning_objectives"),
        meaning=community_ids_by_meaning_soon,
    )
    hub = HubFacetFilter(path="hub")
    status = ChoiceFacetFilter(choices=CommunityStatus.choices, label=_("Status"))
    topic = CommunityTopicFilter(help_text=_("The AI topics of the challenges it works on."))
    sector = CommunitySectorFilter(help_text=_("The sectors of the challenges it works on."))
    sort = SortFilter(sorts=SORTS, default="newest")

    class Meta:
        model = LearningCommunity
        fields = []
