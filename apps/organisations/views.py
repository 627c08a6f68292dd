from django.core.paginator import Paginator
from django.shortcuts import render

from apps.challenges.selectors import challenge_list_for_organisation
from apps.taxonomy.models import OrganisationKind

from .permissions import get_organisation_for_view_or_404
from .selectors import organisation_filterset

PAGE_SIZE = 24


def organisation_list(request):
    filterset = organisation_filterset(user=request.user, filters=request.GET)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/organisation_list.html",
        {"filterset": filterset, "form": filterset.form, "page_obj": page},
    )


def organisation_detail(request, slug: str):
    organisation = get_organisation_for_view_or_404(request.user, slug)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            # Capacity and formats describe what a supplier offers; demand has neither.
            "is_supplier": organisation.kind.role == OrganisationKind.Role.SUPPLY,
            "challenges": challenge_list_for_organisation(
                user=request.user, organisation=organisation
            ),
        },
    )
