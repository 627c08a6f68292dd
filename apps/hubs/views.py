from django.http import Http404
from django.shortcuts import render
from django.utils.translation import ngettext_lazy

from apps.challenges.selectors import challenge_list_for_hub
from apps.core.listing import render_listing
from apps.organisations.selectors import organisation_list_for_hub

from .selectors import hub_communities, hub_filterset, hub_get

# The detail page shows a sample of each list and links to the filtered directory.
ORGANISATIONS_ON_DETAIL = 12
CHALLENGES_ON_DETAIL = 6
# The newest few, like the other sections: a busy hub has a thousand communities, and the
# page would grow with them (1 100 rows and 0.35 s of rendering for Zuid-Holland at
# national size).
COMMUNITIES_ON_DETAIL = 12


def hub_index(request):
    return render_listing(
        request,
        hub_filterset(user=request.user, filters=request.GET),
        template_name="hubs/hub_list.html",
        results_template_name="hubs/_hub_results.html",
        count_text=ngettext_lazy("%(count)s AI hub", "%(count)s AI hubs", "count"),
    )


def hub_detail(request, slug: str):
    hub = hub_get(slug=slug, user=request.user)
    if hub is None:
        raise Http404
    organisations = organisation_list_for_hub(user=request.user, hub=hub)
    challenges = challenge_list_for_hub(user=request.user, hub=hub)
    communities = hub_communities(user=request.user, hub=hub)
    return render(
        request,
        "hubs/hub_detail.html",
        {
            "hub": hub,
            "organisations": organisations[:ORGANISATIONS_ON_DETAIL],
            "organisation_count": organisations.count(),
            "challenges": challenges[:CHALLENGES_ON_DETAIL],
            "challenge_count": challenges.count(),
            "communities": communities[:COMMUNITIES_ON_DETAIL],
            "community_count": communities.count(),
        },
    )
