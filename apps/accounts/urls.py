from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("me/profile/", views.profile, name="profile"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/export/", views.data_export, name="export"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/link/", views.social_link, name="social_link"),
]
