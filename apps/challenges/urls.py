from django.urls import path

from . import views

app_name = "challenges"
urlpatterns = [
    path("", views.challenge_list, name="list"),
    path("new/", views.challenge_create, name="create"),
    path("suggest-topics/", views.challenge_suggest_topics, name="suggest_topics"),
    path("<int:pk>/", views.challenge_detail, name="detail"),
    path("<int:pk>/edit/", views.challenge_edit, name="edit"),
    path("<int:pk>/status/", views.challenge_status, name="status"),
    path("<int:pk>/submit/", views.challenge_submit, name="submit"),
    path("<int:pk>/withdraw/", views.challenge_withdraw, name="withdraw"),
    path("<int:pk>/renew/", views.challenge_renew, name="renew"),
    path("<int:pk>/close/", views.challenge_close, name="close"),
    path("<int:pk>/interest/", views.challenge_interest, name="interest"),
    path(
        "<int:pk>/interest/withdraw/",
        views.challenge_interest_withdraw,
        name="interest_withdraw",
    ),
]
