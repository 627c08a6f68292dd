from django.urls import path

from . import browse, views

app_name = "communities"
urlpatterns = [
    path("", browse.community_list, name="list"),
    path("<slug:slug>/", views.community_detail, name="detail"),
]
