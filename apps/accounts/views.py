import json

from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.semantics.forms import posted_as_initial
from apps.semantics.services import posted_text, topic_suggestions_shown

from . import services, social
from .forms import ProfileForm, SocialLinkConfirmForm
from .privacy import personal_data_export
from .selectors import user_copy_for_editing, user_linked_sign_ins


@login_required
def profile(request):
    user = request.user
    if request.method == "POST" and "suggest_topics" in request.POST:
        # Without JavaScript: the form as sent, with the topics that fit what they wrote.
        form = ProfileForm(
            initial=posted_as_initial(request.POST, ProfileForm),
            instance=user_copy_for_editing(user),
        )
        suggestions = topic_suggestions_shown(posted_text(request.POST, ["bio", "offer"]))
        return render(
            request, "accounts/profile.html", {"form": form, "topic_suggestions": suggestions}
        )
    # The form works on its own copy: an invalid submission must not show in the header.
    form = ProfileForm(request.POST or None, instance=user_copy_for_editing(user))
    if request.method == "POST" and form.is_valid():
        services.profile_update(user=user, **form.cleaned_data)
        language = user.preferred_language
        # The saved language becomes the site's: the next page is in it, and so is the
        # cookie that `set_language` would have set.
        translation.activate(language)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    return render(request, "accounts/profile.html", {"form": form})


def privacy(request):
    return render(
        request,
        "accounts/privacy.html",
        {"contact_email": getattr(settings, "PRIVACY_CONTACT_EMAIL", "")},
    )


@login_required
def my_data(request):
    return render(
        request,
        "accounts/my_data.html",
        {"linked_sign_ins": user_linked_sign_ins(user=request.user)},
    )


@login_required
@require_POST
def data_export(request):
    data = personal_data_export(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def social_link(request):
    """A SURFconext sign-in brought a verified address that an account here already has: its
    owner links the two by entering that account's password (a wrong one links nothing).
    Open to anyone: the pending sign-in in the session is what it works on, and without one
    there is nothing to do here."""
    sociallogin = social.pending_link(request)
    if sociallogin is None:
        return redirect("account_login")
    email = social.verified_email(sociallogin)
    form = SocialLinkConfirmForm(request.POST or None, request=request, email=email)
    try:
        if request.method == "POST" and form.is_valid():
            return social.pending_link_complete(request, user=form.user)
    except ImmediateHttpResponse as error:
        # Over the failed-sign-in limit: the same 429 page as the login form.
        return error.response
    return render(
        request,
        "accounts/social_link.html",
        {"form": form, "email": email, "provider_name": sociallogin.provider.name},
    )
