"""Links that leave the site in emails: absolute, in the recipient's language, and signed
unsubscribe links that work without logging in."""

from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.urls import reverse, translate_url
from django.utils import translation

from .kinds import NotificationKind

# Only unsubscribe links verify with this salt: a token signed for anything else does not.
UNSUBSCRIBE_SALT = "apps.notifications.unsubscribe"


class InvalidUnsubscribeToken(Exception):
    """The link was altered, cut short or names a kind that does not exist."""


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path}"


def localised_path(url: str, language: str) -> str:
    """`url` (a site path, in whatever language it was built) as a path in `language`:
    "/en/challenges/5/" becomes "/challenges/5/" for Dutch. A path that does not resolve is
    returned as it is."""
    if not url.startswith("/"):
        return url
    prefix = translation.get_language_from_path(url)
    if prefix:
        url = url[len(prefix) + 1 :] or "/"
    # Resolve in the default language (whose paths have no prefix), then reverse in `language`.
    with translation.override(settings.LANGUAGE_CODE):
        return translate_url(url, language)


def notice_path(view_name: str, *args, fragment: str = "", **kwargs) -> str:
    """A link for a notice, in the default language's URL space (no /en/ prefix): one notice
    row serves readers of either language, and the site opens it in the reader's own (emails
    localise it with `localised_path`). The one helper every app's notices use."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse(view_name, args=args or None, kwargs=kwargs or None)
    return f"{path}#{fragment}" if fragment else path


def unsubscribe_token(*, user_id: int, kinds: Iterable[str]) -> str:
    return signing.dumps(
        {"u": user_id, "k": sorted({str(kind) for kind in kinds})}, salt=UNSUBSCRIBE_SALT
    )


def unsubscribe_token_load(token: str) -> tuple[int, list[NotificationKind]]:
    """The person and kinds a token names, or `InvalidUnsubscribeToken`. Tokens do not expire:
    an unsubscribe link in a year-old email must still work."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id = int(data["u"])
        kinds = [NotificationKind(kind) for kind in data["k"]]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidUnsubscribeToken from error
    if not kinds:
        raise InvalidUnsubscribeToken
    return user_id, kinds


def unsubscribe_url(*, user_id: int, kinds: Iterable[str]) -> str:
    """Absolute, in the active language."""
    token = unsubscribe_token(user_id=user_id, kinds=kinds)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))
