"""The community page and what people do in a community. Who may do what is decided in
permissions.py; the writes happen in services.py. The directory is browse.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.middleware import second_factor_for_coordinators
from apps.core.actions import posted_action, refusal_text

from .forms import ActivityForm, JoinRequestForm, LearningRecordForm, UpdateForm
from .ical import calendar_token, community_calendar
from .models import CommunityStatus, LearningCommunity
from .permissions import (
    CommunityAccess,
    get_activity_for_planning_or_404,
    get_community_for_calendar_or_404,
    get_community_for_contribution_or_404,
    get_community_for_coordination_or_404,
    get_community_for_joining_or_404,
    get_community_for_learning_record_or_404,
    get_community_for_view_or_404,
    get_invitation_for_answer_or_404,
    get_join_request_for_decision_or_404,
    get_update_for_deletion_or_404,
)
from .selectors import (
    activities_for_calendar,
    community_invitations_pending_for_user,
    community_page,
    join_request_latest_of,
    join_request_pending_of,
    join_requests_pending,
    join_requests_pending_count,
    join_requests_recently_decided,
    join_role_suggested_for,
    learning_record_of,
)
from .services import (
    activity_change,
    activity_create,
    activity_delete,
    community_can_change_status,
    community_change_status,
    community_invitation_accept,
    community_invitation_decline,
    community_update_create,
    community_update_delete,
    join_request_approve,
    join_request_create,
    join_request_decline,
    join_request_withdraw,
    learning_record_save,
)


def _detail(community: LearningCommunity, fragment: str = "") -> str:
    url = community.get_absolute_url()
    return f"{url}#{fragment}" if fragment else url


def _submitted(request):
    """A form's data: what was posted (even when empty, so it is validated), else unbound."""
    return request.POST if request.method == "POST" else None


def _calendar_url(request, access: CommunityAccess) -> str:
    """The feed's address to subscribe to. A members-only community's feed carries the
    viewer's personal token, since calendar apps cannot sign in."""
    community = access.community
    url = request.build_absolute_uri(reverse("communities:ical", kwargs={"slug": community.slug}))
    if community.is_public or not request.user.is_authenticated:
        return url
    return f"{url}?token={calendar_token(user=request.user, community=community)}"


def _next_statuses(access: CommunityAccess) -> list[tuple[str, str]]:
    if not access.can_manage:
        return []
    return [
        (status.value, status.label)
        for status in CommunityStatus
        if community_can_change_status(community=access.community, to_status=status)
    ]


def community_detail(request, slug: str):
    access = get_community_for_view_or_404(request.user, slug)
    community = access.community
    page = community_page(community=community, user=request.user)
    latest_request = None
    invitations = []
    if request.user.is_authenticated and not access.is_member:
        latest_request = join_request_latest_of(community=community, user=request.user)
        invitations = list(
            community_invitations_pending_for_user(user=request.user, community=community)
        )
    pending_count = join_requests_pending_count(community=community) if access.can_manage else 0
    return render(
        request,
        "communities/community_detail.html",
        {
            "community": community,
            "access": access,
            "page": page,
            "latest_request": latest_request,
            "invitations": invitations,
            "pending_count": pending_count,
            "next_statuses": _next_statuses(access),
            "update_form": UpdateForm() if access.can_contribute else None,
            "calendar_url": _calendar_url(request, access),
        },
    )


# --- Joining ---------------------------------------------------------------------------------


@login_required
def community_join(request, slug: str):
    access = get_community_for_joining_or_404(request.user, slug)
    community = access.community
    if access.is_member:
        messages.info(request, _("You are already a member of this community."))
        return redirect(_detail(community))
    pending = join_request_pending_of(community=community, user=request.user)
    form = JoinRequestForm(
        _submitted(request), initial={"role": join_role_suggested_for(user=request.user)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            _join_request, created = join_request_create(
                community=community,
                user=request.user,
                role=form.cleaned_data["role"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            messages.error(request, refusal_text(error))
            return redirect(_detail(community))
        if created:
            messages.success(
                request,
                _("Your request was sent. The coordinators of the community will decide on it."),
            )
        else:
            messages.info(request, _("Request pending: the coordinators have not decided yet."))
        return redirect(_detail(community, "your-status"))
    return render(
        request,
        "communities/join.html",
        {"community": community, "form": form, "pending": pending},
    )


@login_required
@require_POST
def join_request_withdraw_view(request, slug: str):
    access = get_community_for_view_or_404(request.user, slug)
    pending = join_request_pending_of(community=access.community, user=request.user)
    if pending is not None:
        join_request_withdraw(join_request=pending, by=request.user)
        messages.success(request, _("Your request to join was withdrawn."))
    return redirect(_detail(access.community))


@login_required
@second_factor_for_coordinators
def join_requests(request, slug: str):
    access = get_community_for_coordination_or_404(request.user, slug)
    community = access.community
    return render(
        request,
        "communities/join_requests.html",
        {
            "community": community,
            "pending": list(join_requests_pending(community=community)),
            "decided": list(join_requests_recently_decided(community=community)),
        },
    )


@login_required
@require_POST
@second_factor_for_coordinators
def join_request_approve_view(request, slug: str, pk: int):
    access, join_request = get_join_request_for_decision_or_404(request.user, slug, pk)
    return posted_action(
        request,
        lambda: join_request_approve(join_request=join_request, by=request.user),
        done=_("The request was approved; the person is now a member."),
        then=reverse("communities:requests", kwargs={"slug": access.community.slug}),
    )


@login_required
@require_POST
@second_factor_for_coordinators
def join_request_decline_view(request, slug: str, pk: int):
    access, join_request = get_join_request_for_decision_or_404(request.user, slug, pk)
    return posted_action(
        request,
        lambda: join_request_decline(join_request=join_request, by=request.user),
        done=_("The request was declined; the person has been told."),
        then=reverse("communities:requests", kwargs={"slug": access.community.slug}),
    )


# --- Invitations -----------------------------------------------------------------------------


@login_required
def invitation_detail(request, pk: int):
    invitation = get_invitation_for_answer_or_404(request.user, pk)
    return render(request, "communities/invitation.html", {"invitation": invitation})


@login_required
@require_POST
def invitation_accept(request, pk: int):
    invitation = get_invitation_for_answer_or_404(request.user, pk)
    community = invitation.community
    try:
        community_invitation_accept(invitation=invitation, by=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect("communities:invitation", pk=invitation.pk)
    messages.success(
        request,
        _("Welcome to %(community)s: you are now a member.") % {"community": community.name},
    )
    return redirect(_detail(community, "your-status"))


@login_required
@require_POST
def invitation_decline(request, pk: int):
    invitation = get_invitation_for_answer_or_404(request.user, pk)
    return posted_action(
        request,
        lambda: community_invitation_decline(invitation=invitation, by=request.user),
        done=_("You declined the invitation; the coordinators have been told."),
        then=reverse("communities:invitation", kwargs={"pk": invitation.pk}),
    )


# --- Activities ------------------------------------------------------------------------------


@login_required
@second_factor_for_coordinators
def activity_create_view(request, slug: str):
    access = get_community_for_coordination_or_404(request.user, slug)
    community = access.community
    form = ActivityForm(_submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            activity, created = activity_create(
                community=community, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(request, _("The activity was added; the members were told."))
            return redirect(_detail(community, f"activity-{activity.pk}"))
    return render(
        request,
        "communities/activity_form.html",
        {"community": community, "form": form, "activity": None},
    )


@login_required
@second_factor_for_coordinators
def activity_edit_view(request, slug: str, pk: int):
    access, activity = get_activity_for_planning_or_404(request.user, slug, pk)
    community = access.community
    form = ActivityForm(_submitted(request), instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity_change(activity=activity, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity was saved."))
            return redirect(_detail(community, f"activity-{activity.pk}"))
    return render(
        request,
        "communities/activity_form.html",
        {"community": community, "form": form, "activity": activity},
    )


@login_required
@require_POST
@second_factor_for_coordinators
def activity_delete_view(request, slug: str, pk: int):
    access, activity = get_activity_for_planning_or_404(request.user, slug, pk)
    activity_delete(activity=activity, by=request.user)
    messages.success(request, _("The activity was removed."))
    return redirect(_detail(access.community, "activities"))


def community_ical(request, slug: str):
    """The activities as iCalendar. Whoever may see the community may read it; an app that
    cannot sign in uses the personal `?token=` of someone who may."""
    community = get_community_for_calendar_or_404(request.user, slug, request.GET.get("token"))
    body = community_calendar(
        community=community,
        activities=activities_for_calendar(community=community),
        page_url=request.build_absolute_uri(community.get_absolute_url()),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{community.slug}.ics"'
    response["Cache-Control"] = "public, max-age=900" if community.is_public else "private"
    return response


# --- Updates ---------------------------------------------------------------------------------


@login_required
def update_create_view(request, slug: str):
    access = get_community_for_contribution_or_404(request.user, slug)
    community = access.community
    form = UpdateForm(_submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            update, created = community_update_create(
                community=community, author=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            if created:
                messages.success(request, _("Your update was posted."))
            return redirect(_detail(community, f"update-{update.pk}"))
    return render(request, "communities/update_form.html", {"community": community, "form": form})


@login_required
@require_POST
def update_delete_view(request, slug: str, pk: int):
    access, update = get_update_for_deletion_or_404(request.user, slug, pk)
    community_update_delete(update=update, by=request.user)
    messages.success(request, _("The update was deleted."))
    return redirect(_detail(access.community, "updates"))


# --- Results ---------------------------------------------------------------------------------


@login_required
def learning_record(request, slug: str):
    access = get_community_for_learning_record_or_404(request.user, slug)
    community = access.community
    record = learning_record_of(community=community, user=request.user)
    form = LearningRecordForm(_submitted(request), instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            learning_record_save(
                community=community, user=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("What you learned was saved. Thank you for sharing it."))
            return redirect(_detail(community, "learning"))
    return render(
        request,
        "communities/learning_form.html",
        {"community": community, "form": form, "record": record},
    )


# --- Status ----------------------------------------------------------------------------------


@login_required
@require_POST
@second_factor_for_coordinators
def community_status(request, slug: str):
    access = get_community_for_coordination_or_404(request.user, slug)
    community = access.community
    try:
        community_change_status(
            community=community, to_status=request.POST.get("status", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request,
            _("The community is now “%(status)s”.") % {"status": community.get_status_display()},
        )
    return redirect(_detail(community))
