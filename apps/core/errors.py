"""The page for a refused form (CSRF): in the site's layout and language, with a way back,
instead of Django's bare English page. (400, 403 and 404 use Django's own handlers with the
templates of the same name; 500 is a self-contained page, see templates/500.html.)"""

from http import HTTPStatus

from django.shortcuts import render


def csrf_failure(request, reason: str = ""):
    """`CSRF_FAILURE_VIEW`: the form was too old, or sent from elsewhere. Nothing was saved;
    the person goes back and sends it again."""
    return render(request, "403_csrf.html", status=HTTPStatus.FORBIDDEN)
