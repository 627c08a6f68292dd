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
from apps.taxonomy.models import OrganisationKind

from . import services
from .forms import OrganisationForm, OrganisationKindForm
from .models import Membership
from .permissions import (
    can_see_organisation,
    get_membership_for_leaving_or_404,
    get_organisation_for_edit_or_404,
    get_organisation_for_joining_or_404,
    get_organisation_for_member_management_or_404,
)
from .selectors import (
    membership_in_organisation,
    organisation_filterset,
    organisation_kind_get,
    organisation_list_similar,
    organisation_members,
)

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


def _chosen_kind(request, default: OrganisationKind | None = None) -> OrganisationKind | None:
    """The kind the form is for: the one posted with it, the one chosen in the first step
    (`?kind=<slug>`), else `default` (an organisation's own)."""
    if request.method == "POST":
        return organisation_kind_get(pk=request.POST.get("kind", "")) or default
    return OrganisationKindForm(request.GET).chosen_kind() or default


def _render_kind_step(request, *, organisation=None):
    initial = {"kind": organisation.kind.slug} if organisation is not None else {}
    return render(
        request,
        "organisations/organisation_kind.html",
        {
            "form": OrganisationKindForm(
                request.GET if "kind" in request.GET else None, initial=initial
            ),
            "organisation": organisation,
        },
    )


def _render_form(request, form, *, organisation=None, **context):
    return render(
        request,
        "organisations/organisation_form.html",
        {"form": form, "organisation": organisation, "existing": None, **context},
    )


def _redisplayed(request, form_kwargs: dict):
    """Without JavaScript, the form as sent, shown again without saving: with the topics
    that fit its description, or with the education organisations that match the search
    for its parent. None when the form was sent to be saved."""
    if "suggest_topics" not in request.POST and "search_parent" not in request.POST:
        return None
    form = OrganisationForm(
        initial=posted_as_initial(request.POST, OrganisationForm), **form_kwargs
    )
    context = {}
    if "suggest_topics" in request.POST:
        context["topic_suggestions"] = topic_suggestions_shown(
            posted_text(request.POST, ["description"])
        )
    elif form.has_parent:
        form.search_parents(request.POST.get("parent_query", ""))
        context["parent_searched"] = True
    return _render_form(request, form, organisation=form_kwargs.get("instance"), **context)


@login_required
def organisation_create(request):
    kind = _chosen_kind(request)
    if kind is None:
        return _render_kind_step(request)
    form_kwargs = {"user": request.user, "kind": kind}
    if request.method != "POST":
        return _render_form(request, OrganisationForm(**form_kwargs))
    if (shown := _redisplayed(request, form_kwargs)) is not None:
        return shown
    form = OrganisationForm(request.POST, **form_kwargs)
    existing = similar = None
    if form.is_valid():
        values = form.profile_values()
        # Before adding a second "Hogeschool Westland": suggest joining the one there is,
        # until the person confirms that theirs is another one (for this very name).
        if request.POST.get("confirmed_name") != values["name"]:
            similar = organisation_list_similar(
                user=request.user, name=values["name"], province=values["province"]
            )
        # The very same name is not suggested but refused, by the service (below).
        if similar and any(other.name.casefold() == values["name"].casefold() for other in similar):
            similar = None
        if not similar:
            try:
                organisation = services.organisation_create(creator=request.user, **values)
            except services.OrganisationExists as error:
                existing = error.organisation
                form.add_error("name", error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _created_message(organisation))
                # Back to where adding it was a step (the challenge form), else its page.
                return redirect(_back_to(request, organisation.get_absolute_url()))
    if existing is not None and not can_see_organisation(request.user, existing):
        existing = None  # the name is taken, but by one the person may not see yet
    return _render_form(request, form, existing=existing, similar=similar)


def _created_message(organisation) -> str:
    if organisation.is_verified:
        return _("%(name)s is on the platform. You are its administrator.") % {
            "name": organisation.name
        }
    return _(
        "%(name)s has been added. You are its administrator. The AI hub of its region checks "
        "new organisations: until then only you, your colleagues and the hub see it."
    ) % {"name": organisation.name}


@login_required
def organisation_edit(request, slug: str):
    organisation = get_organisation_for_edit_or_404(request.user, slug)
    if request.method == "GET" and request.GET.get("change") == "kind":
        return _render_kind_step(request, organisation=organisation)
    kind = _chosen_kind(request, default=organisation.kind)
    if kind is None:
        return _render_kind_step(request, organisation=organisation)
    form_kwargs = {"user": request.user, "kind": kind, "instance": organisation}
    if (shown := _redisplayed(request, form_kwargs)) is not None:
        return shown
    form = OrganisationForm(request.POST or None, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(organisation=organisation, **form.profile_values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The organisation's profile has been saved."))
            return redirect("organisations:detail", slug=organisation.slug)
    return _render_form(request, form, organisation=organisation)


@login_required
def parent_options(request):
    """The as-you-type suggestions for an organisation's parent (htmx): the radio buttons of
    the education organisations matching `parent_query`, beside the current choice."""
    kind = organisation_kind_get(pk=request.GET.get("kind", ""))
    if kind is None or kind.role == OrganisationKind.Role.DEMAND:
        raise Http404
    instance = None
    if slug := request.GET.get("organisation"):
        instance = get_organisation_for_edit_or_404(request.user, slug)
    form = OrganisationForm(
        initial=posted_as_initial(request.GET, OrganisationForm),
        user=request.user,
        kind=kind,
        instance=instance,
    )
    form.search_parents(request.GET.get("parent_query", ""))
    return render(
        request, "organisations/_parent_options.html", {"form": form, "parent_searched": True}
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
