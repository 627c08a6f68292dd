from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from apps.accounts import social
from apps.challenges import urls as challenge_urls
from apps.communities import urls as community_urls
from apps.knowledge import urls as knowledge_urls
from apps.matching import urls as matching_urls
from apps.organisations import urls as organisation_urls
from apps.portal import urls as portal_urls

# A site section can hold pages of several apps; each app keeps its own URL list and the
# section's namespace is composed here (the matches page of a challenge is matching's).
challenge_section = (
    [*challenge_urls.urlpatterns, *matching_urls.challenge_urlpatterns],
    challenge_urls.app_name,
)
community_section = (
    [*community_urls.urlpatterns, *knowledge_urls.community_urlpatterns],
    community_urls.app_name,
)
matching_section = (
    [*matching_urls.urlpatterns, *portal_urls.for_you_urlpatterns],
    matching_urls.app_name,
)
organisation_section = (
    [*organisation_urls.urlpatterns, *portal_urls.organisation_urlpatterns],
    organisation_urls.app_name,
)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # The API follows Accept-Language, not a language prefix (issue 13).
    path("api/v1/", include("apps.api.urls")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    # allauth's OpenID Connect callback with the ID token's signature and nonce checked
    # (apps/accounts/social.py); before allauth's URLs, which it takes the place of.
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        social.callback,
        name="openid_connect_callback",
    ),
    path("accounts/", include("allauth.urls")),
    path("hubs/", include("apps.portal.hub_urls")),
    path("organisations/", include(organisation_section)),
    path("challenges/", include(challenge_section)),
    path("communities/", include(community_section)),
    path("knowledge/", include("apps.knowledge.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("insights/", include("apps.insights.urls")),
    path("semantics/", include("apps.semantics.urls")),
    path("me/api-tokens/", include("apps.api.token_urls")),
    path("", include("apps.accounts.urls")),
    path("", include(matching_section)),
    path("", include("apps.portal.urls")),
    prefix_default_language=False,
)
