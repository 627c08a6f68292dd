"""The hub pages under /hubs/. Their URL names keep the site section's namespace, "hubs",
which the navigation marks as the current section."""

from django.urls import path

from . import views

app_name = "hubs"
urlpatterns = [
    path("", views.hub_index, name="list"),
    path("<slug:slug>/", views.hub_detail, name="detail"),
]
