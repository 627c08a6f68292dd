from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/open/", views.notification_open, name="open"),
    path("mark-all-read/", views.notification_mark_all_read, name="mark_all_read"),
    path("preferences/", views.notification_preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.notification_unsubscribe, name="unsubscribe"),
    path(
        "unsubscribe/<str:token>/done/",
        views.notification_unsubscribe_done,
        name="unsubscribe_done",
    ),
]
