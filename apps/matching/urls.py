from django.urls import path

from . import views

# Pages of a challenge that belong to matching: the project's URL map puts them in the
# challenge section ("challenges:matches"), under /challenges/<pk>/.
challenge_urlpatterns = [
    path("<int:pk>/matches/", views.challenge_matches, name="matches"),
]

app_name = "matching"
urlpatterns = [
    path("matches/<int:pk>/shortlist/", views.match_shortlist, name="match_shortlist"),
    path(
        "matches/<int:pk>/introduction/",
        views.introduction_request,
        name="introduction_request",
    ),
    path("introductions/<int:pk>/", views.introduction_detail, name="introduction"),
    path(
        "introductions/<int:pk>/decide/",
        views.introduction_decide,
        name="introduction_decide",
    ),
]
