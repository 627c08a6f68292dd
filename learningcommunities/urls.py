from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from apps.challenges import urls as challenge_urls
from apps.matching import urls as matching_urls

# A site section can hold pages of several apps; each app keeps its own URL list and the
# section's namespace is composed here (the matches page of a challenge is matching's).
challenge_section = (
    [*challenge_urls.urlpatterns, *matching_urls.challenge_urlpatterns],
    challenge_urls.app_name,
)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("hubs/", include("apps.portal.hub_urls")),
    path("organisations/", include("apps.organisations.urls")),
    path("challenges/", include(challenge_section)),
    path("communities/", include("apps.communities.urls")),
    path("knowledge/", include("apps.knowledge.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("insights/", include("apps.insights.urls")),
    path("semantics/", include("apps.semantics.urls")),
    path("", include("apps.accounts.urls")),
    path("", include("apps.matching.urls")),
    path("", include("apps.portal.urls")),
    prefix_default_language=False,
)
