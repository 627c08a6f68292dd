from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.middleware import second_factor_for_coordinators
from apps.core.listing import render_listing
from apps.semantics.forms import posted_as_initial
from apps.semantics.services import posted_text, topic_suggestions_shown

from . import services
from .forms import OrganisationForm
from .models import Membership
from .permissions import (
    get_membership_for_leaving_or_404,
    get_organisation_for_edit_or_404,
    get_organisation_for_joining_or_404,
    get_organisation_for_member_management_or_404,
)
from .selectors import membership_in_organisation, organisation_filterset, organisation_members

PAGE_SIZE = 24


def organisation_list(request):
    return render_listing(
        request,
        organisation_filterset(user=request.user, filters=request.GET),
        template_name="organisations/organisation_list.html",
        results_template_name="organisations/_organisation_results.html",
        count_text=ngettext_lazy("%(count)s organisation", "%(count)s organisations", "count"),
        page_size=PAGE_SIZE,
    )


# --- Membership actions ------------------------------------------------------------------------
# (The organisation's page, which also shows its challenges, is apps.portal's.)


@login_required
def organisation_create(request):
    existing = None
    if request.method == "POST" and "suggest_topics" in request.POST:
        return _with_topic_suggestions(
            request,
            OrganisationForm(
                initial=posted_as_initial(request.POST, OrganisationForm), user=request.user
            ),
        )
    if request.method == "POST":
        form = OrganisationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                organisation = services.organisation_create(
                    creator=request.user, **form.profile_values()
                )
            except services.OrganisationExists as error:
                existing = error.organisation
                form.add_error("name", error)
            else:
                messages.success(
                    request,
                    _("%(name)s is on the platform. You are its administrator.")
                    % {"name": organisation.name},
                )
                # Back to where adding it was a step (the challenge form), else its page.
                return redirect(_back_to(request, organisation.get_absolute_url()))
    else:
        form = OrganisationForm(user=request.user)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "existing": existing, "organisation": None},
    )


@login_required
def organisation_edit(request, slug: str):
    organisation = get_organisation_for_edit_or_404(request.user, slug)
    if request.method == "POST" and "suggest_topics" in request.POST:
        form = OrganisationForm(
            initial=posted_as_initial(request.POST, OrganisationForm),
            instance=organisation,
            user=request.user,
        )
        return _with_topic_suggestions(request, form, organisation=organisation)
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(organisation=organisation, **form.profile_values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The organisation's profile has been saved."))
            return redirect("organisations:detail", slug=organisation.slug)
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "organisation": organisation, "existing": None},
    )


def _with_topic_suggestions(request, form, *, organisation=None):
    """Without JavaScript: the form as sent, with the topics that fit its description."""
    return render(
        request,
        "organisations/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "existing": None,
            "topic_suggestions": topic_suggestions_shown(
                posted_text(request.POST, ["description"])
            ),
        },
    )


def _back_to(request, fallback: str) -> str:
    """The `next` field if it is a path on this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@login_required
def organisation_join(request, slug: str):
    """POST asks to join. A GET (say, after logging in from the button) shows the page."""
    organisation = get_organisation_for_joining_or_404(request.user, slug)
    if request.method != "POST":
        return redirect(organisation)
    membership = services.membership_request(user=request.user, organisation=organisation)
    if membership.state == Membership.State.ACTIVE:
        messages.info(
            request, _("You are already a member of %(name)s.") % {"name": organisation.name}
        )
    else:
        messages.success(
            request,
            _(
                "Your request to join %(name)s has been sent. You will get a notice when it "
                "has been decided."
            )
            % {"name": organisation.name},
        )
    return redirect(_back_to(request, organisation.get_absolute_url()))


@login_required
def organisation_leave(request, slug: str):
    """Leave an organisation or withdraw a request: a confirmation page, then POST."""
    membership = get_membership_for_leaving_or_404(request.user, slug)
    organisation = membership.organisation
    if request.method == "POST":
        try:
            services.membership_end(membership=membership)
        except services.LastAdminError as error:
            messages.error(request, error.messages[0])
            return redirect(organisation)
        if membership.state == Membership.State.REQUESTED:
            text = _("Your request to join %(name)s has been withdrawn.")
        else:
            text = _("You have left %(name)s.")
        messages.success(request, text % {"name": organisation.name})
        return redirect("portal:dashboard")
    return render(
        request,
        "organisations/organisation_leave.html",
        {"organisation": organisation, "membership": membership},
    )


@login_required
@second_factor_for_coordinators
def organisation_member_list(request, slug: str):
    organisation = get_organisation_for_member_management_or_404(request.user, slug)
    members = list(organisation_members(organisation=organisation))
    return render(
        request,
        "organisations/organisation_members.html",
        {
            "organisation": organisation,
            "requests": [m for m in members if m.state == Membership.State.REQUESTED],
            "members": [m for m in members if m.state == Membership.State.ACTIVE],
        },
    )


@login_required
@require_POST
@second_factor_for_coordinators
def membership_decide(request, slug: str, membership_id: int):
    organisation = get_organisation_for_member_management_or_404(request.user, slug)
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        return HttpResponseBadRequest()
    membership = membership_in_organisation(organisation, membership_id)
    approve = decision == "approve"
    if membership is None or not services.membership_decide(
        membership=membership, approve=approve, decided_by=request.user
    ):
        messages.info(request, _("This request had already been decided."))
    else:
        name = membership.user.full_name or membership.user.get_short_name()
        text = (
            _("%(person)s is now a member.")
            if approve
            else _("The request of %(person)s was declined.")
        )
        messages.success(request, text % {"person": name})
    return redirect("organisations:members", slug=organisation.slug)


@login_required
@require_POST
@second_factor_for_coordinators
def membership_role(request, slug: str, membership_id: int):
    organisation = get_organisation_for_member_management_or_404(request.user, slug)
    membership = membership_in_organisation(organisation, membership_id)
    if membership is None:
        raise Http404
    try:
        services.membership_set_role(membership=membership, role=request.POST.get("role", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The role has been changed."))
    return redirect("organisations:members", slug=organisation.slug)


@login_required
@require_POST
@second_factor_for_coordinators
def membership_remove(request, slug: str, membership_id: int):
    organisation = get_organisation_for_member_management_or_404(request.user, slug)
    membership = membership_in_organisation(organisation, membership_id)
    if membership is None:
        messages.info(request, _("This person is no longer a member."))
    else:
        try:
            services.membership_end(membership=membership)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The member has been removed."))
    if membership is not None and membership.user_id == request.user.pk:
        return redirect("portal:dashboard")
    return redirect("organisations:members", slug=organisation.slug)
