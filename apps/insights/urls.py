from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("", views.insights_index, name="index"),
    path("national/", views.insights_national, name="national"),
    path("hubs/<slug:slug>/", views.insights_hub, name="hub"),
    # One name for both scopes: `{% url "insights:csv" table="topics" %}` is the national
    # table, with `slug=` the hub's; "national" can then never clash with a hub's slug.
    path("national/<slug:table>.csv", views.insights_csv, name="csv"),
    path("hubs/<slug:slug>/<slug:table>.csv", views.insights_csv, name="csv"),
]
