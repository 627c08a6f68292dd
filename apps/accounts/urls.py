from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.dashboard, name="dashboard"),
    path("me/profile/", views.profile, name="profile"),
    path("me/get-started/", views.get_started, name="get_started"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/export/", views.data_export, name="export"),
    path("me/delete/", views.account_delete, name="delete"),
    path("people/<int:pk>/", views.person, name="person"),
    path("privacy/", views.privacy, name="privacy"),
]
