"""What every answer under /api/ has, success or error alike (NL API Design Rules):

- the `API-Version` header;
- errors as problem+json: a 404 of an unknown path, a 405 or a 500 that Django (not the API)
  answered is rewritten into one;
- the language from `Accept-Language` (`Content-Language` says which);
- the rate limit per client IP (the per-token limit is counted once the token is known,
  `apps.api.auth`).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .language import api_language
from .problems import PROBLEM_CONTENT_TYPE, TOO_MANY_REQUESTS, problem_for_status, problem_response
from .ratelimit import client_ip, rate_limit_hit

API_PREFIX = "/api/"
API_VERSION = "1.0.0"
# Headers of an error answer that its problem+json replacement keeps.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        language = api_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        retry_after = rate_limit_hit(
            scope="ip", ident=client_ip(request), limit=settings.API_RATE_LIMIT_PER_IP
        )
        if retry_after is not None:
            response = problem_response(
                request,
                TOO_MANY_REQUESTS,
                detail=f"Limit per IP address: {settings.API_RATE_LIMIT_PER_IP} requests a window.",
                headers={"Retry-After": str(retry_after)},
            )
        else:
            response = self.get_response(request)
        response = self._as_problem(request, response)
        response["API-Version"] = API_VERSION
        response["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language", "Authorization"))
        return response

    def _as_problem(self, request: HttpRequest, response):
        if response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return response
        kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        return problem_response(request, problem_for_status(response.status_code), headers=kept)
