from django.urls import path

from . import views

# An organisation's page shows its challenges too: the project's URL map puts it in the
# organisation section ("organisations:detail").
organisation_urlpatterns = [
    path("<slug:slug>/", views.organisation_page, name="detail"),
]

# "For you" gathers challenges and communities for a person; its URL name stays in the
# matching namespace ("matching:for_you"), composed in the project's URL map.
for_you_urlpatterns = [
    path("for-you/", views.for_you, name="for_you"),
]

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.dashboard, name="dashboard"),
    path("me/get-started/", views.get_started, name="get_started"),
    path("me/delete/", views.account_delete, name="account_delete"),
    path("people/<int:pk>/", views.person, name="person"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
]
