from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.selectors import user_get_or_none

from . import selectors, services
from .forms import NotificationPreferencesForm
from .links import InvalidUnsubscribeToken, localised_path, unsubscribe_token_load
from .permissions import get_notification_for_reading_or_404

PAGE_SIZE = 20


@login_required
def notification_list(request):
    notifications = selectors.notification_list(user=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/notification_list.html", {"page_obj": page})


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request, pk: int):
    """Mark the notice read and go where it points (in the reader's language)."""
    notification = get_notification_for_reading_or_404(request.user, pk)
    services.notification_mark_read(notification=notification)
    target = localised_path(notification.url, translation.get_language())
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_all_read(request):
    count = services.notification_mark_all_read(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    form = NotificationPreferencesForm(
        request.POST or None,
        frequencies=selectors.notification_frequencies(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_set(user=request.user, frequencies=form.frequencies())
        messages.success(request, _("Your email settings have been saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _unsubscribe_target(token: str):
    """The person and kinds a link names, or None when the link is broken or the account gone."""
    try:
        user_id, kinds = unsubscribe_token_load(token)
    except InvalidUnsubscribeToken:
        return None
    user = user_get_or_none(user_id)
    return (user, kinds) if user is not None else None


def _invalid_link(request):
    return render(request, "notifications/unsubscribe_invalid.html", status=400)


# The signed token is what authorises this, not a session: mail providers post the one-click
# unsubscribe (RFC 8058) without cookies or a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request, token: str):
    target = _unsubscribe_target(token)
    if target is None:
        return _invalid_link(request)
    user, kinds = target
    context = {"token": token, "kinds": kinds}
    if request.method == "POST":
        services.notification_unsubscribe(user=user, kinds=kinds)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return render(request, "notifications/unsubscribe_done.html", context)
        return redirect("notifications:unsubscribe_done", token=token)
    return render(request, "notifications/unsubscribe_confirm.html", context)


@require_http_methods(["GET"])
def notification_unsubscribe_done(request, token: str):
    target = _unsubscribe_target(token)
    if target is None:
        return _invalid_link(request)
    return render(
        request, "notifications/unsubscribe_done.html", {"token": token, "kinds": target[1]}
    )
