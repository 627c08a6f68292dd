"""Pages that gather from several apps: the home page, My overview and the pages around it,
another person's page, the hub pages and an organisation's page (with its challenges)."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

from apps.accounts import services as account_services
from apps.accounts.forms import AccountDeleteForm
from apps.accounts.middleware import second_factor_for_coordinators
from apps.accounts.selectors import user_home_organisation_domain
from apps.challenges.permissions import can_post_challenge_for, offers_challenge_form
from apps.challenges.selectors import (
    challenge_interest_list_for_user,
    challenge_interests_by_challenge,
    challenge_list_for_organisation,
    challenge_list_latest_public,
)
from apps.core.listing import render_listing
from apps.hubs.selectors import hub_get
from apps.matching.reasons import fit_shown, reason_texts, taxonomy_labels
from apps.matching.selectors import for_you_quotes
from apps.organisations.models import Membership
from apps.organisations.permissions import (
    can_manage_members,
    can_verify_organisation,
    get_organisation_for_view_or_404,
)
from apps.organisations.selectors import (
    membership_get,
    organisation_for_home_domain,
    organisation_list_sole_admin,
    organisation_search_to_join,
)
from apps.taxonomy.models import OrganisationKind

from .for_you import match_recommendations_with_objects, person_has_expertise
from .permissions import get_person_for_view_or_404
from .selectors import (
    dashboard_sections,
    for_you_for_demand,
    hub_filterset,
    hub_list,
    hub_page,
    platform_figures,
)

SEARCH_QUERY_MAX_LENGTH = 100


def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "figures": platform_figures(user=request.user),
            "latest_challenges": challenge_list_latest_public(limit=6),
            "hubs": hub_list(user=request.user),
            "offers_challenge_form": offers_challenge_form(request.user),
        },
    )


@login_required
@second_factor_for_coordinators
def dashboard(request):
    return render(
        request,
        "portal/dashboard.html",
        {
            **dashboard_sections(user=request.user),
            "offers_challenge_form": offers_challenge_form(request.user),
        },
    )


def person(request, pk: int):
    return render(
        request,
        "portal/person.html",
        {"person_view": get_person_for_view_or_404(request.user, pk)},
    )


@login_required
def get_started(request):
    query = request.GET.get("q", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    results = list(organisation_search_to_join(user=request.user, query=query)) if query else None
    # Signed in through SURFconext: propose the institution it named.
    home_domain = user_home_organisation_domain(user=request.user)
    home_organisation = (
        organisation_for_home_domain(user=request.user, domain=home_domain) if home_domain else None
    )
    return render(
        request,
        "portal/get_started.html",
        {
            "home_domain": home_domain,
            "home_organisation": home_organisation,
            "query": query,
            "results": results,
            "offers_challenge_form": offers_challenge_form(request.user),
        },
    )


@login_required
def account_delete(request):
    user = request.user
    form = AccountDeleteForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        account_services.account_delete(user=user)
        logout(request)
        messages.success(
            request,
            _("Your account has been deleted. What you contributed stays, without your name."),
        )
        return redirect("portal:home")
    return render(
        request,
        "portal/delete.html",
        {"form": form, "sole_admin_of": list(organisation_list_sole_admin(user=user))},
    )


# The day the accessibility statement was last reviewed: the Dutch model asks for it, and it
# changes only when the statement's content does.
ACCESSIBILITY_STATEMENT_DATE = date(2026, 12, 7)


def accessibility_statement(request):
    """The accessibility statement (toegankelijkheidsverklaring), in the structure of the
    Dutch government's model: status, standard, how it was checked, limitations, contact."""
    return render(
        request,
        "portal/accessibility.html",
        {
            "statement_date": ACCESSIBILITY_STATEMENT_DATE,
            "contact_email": settings.CONTACT_EMAIL,
            "site_url": settings.SITE_URL,
        },
    )


def hub_index(request):
    return render_listing(
        request,
        hub_filterset(user=request.user, filters=request.GET),
        template_name="portal/hub_list.html",
        results_template_name="portal/_hub_results.html",
        count_text=ngettext_lazy("%(count)s AI hub", "%(count)s AI hubs", "count"),
    )


def hub_detail(request, slug: str):
    hub = hub_get(slug=slug, user=request.user)
    if hub is None:
        raise Http404
    return render(
        request, "portal/hub_detail.html", {"hub": hub, **hub_page(user=request.user, hub=hub)}
    )


def organisation_page(request, slug: str):
    """The organisation's public page, plus what the viewer can do: ask to join, see their
    pending request or membership, and (administrators) edit and manage members."""
    organisation = get_organisation_for_view_or_404(request.user, slug)
    membership = membership_get(user=request.user, organisation=organisation)
    is_admin = bool(
        membership
        and membership.state == Membership.State.ACTIVE
        and membership.role == Membership.Role.ADMIN
    )
    manages_members = is_admin or can_manage_members(request.user, organisation)
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
            "membership": membership,
            "can_post_challenge": bool(
                membership
                and membership.state == Membership.State.ACTIVE
                and can_post_challenge_for(request.user, organisation)
            ),
            "can_edit": is_admin,
            "can_manage_members": manages_members,
            "can_verify": can_verify_organisation(request.user, organisation),
            # Its registration number is for the people who deal with it, not the directory.
            "shows_kvk": manages_members
            or bool(membership and membership.state == Membership.State.ACTIVE),
        },
    )


@login_required
def for_you(request):
    user = request.user
    has_expertise = person_has_expertise(user)
    rows = []
    if has_expertise:
        items = match_recommendations_with_objects(person=user)
        labels = taxonomy_labels()
        quotes = for_you_quotes(person=user, items=items)
        interests = challenge_interests_by_challenge(
            user=user, challenge_ids=[i.item.pk for i in items if i.kind == "challenge"]
        )
        rows = [
            {
                "kind": item.kind,
                "item": item.item,
                "fit": fit_shown(item.score),
                "reasons": reason_texts(
                    item.reasons, labels, quote=quotes.get((item.kind, item.item.pk))
                ),
                "interest": interests.get(item.item.pk) if item.kind == "challenge" else None,
            }
            for item in items
        ]
    return render(
        request,
        "portal/for_you.html",
        {
            "demand": for_you_for_demand(user=user),
            "has_expertise": has_expertise,
            "rows": rows,
            "my_interests": challenge_interest_list_for_user(user=user),
        },
    )
