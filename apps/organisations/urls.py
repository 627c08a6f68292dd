from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    # Before the slug pattern; `services.RESERVED_SLUGS` keeps organisations from taking it.
    path("new/", views.organisation_create, name="create"),
    path("new/parent-options/", views.parent_options, name="parent_options"),
    path("<slug:slug>/edit/", views.organisation_edit, name="edit"),
    path("<slug:slug>/join/", views.organisation_join, name="join"),
    path("<slug:slug>/leave/", views.organisation_leave, name="leave"),
    path("<slug:slug>/members/", views.organisation_member_list, name="members"),
    path(
        "<slug:slug>/members/<int:membership_id>/decide/",
        views.membership_decide,
        name="membership_decide",
    ),
    path(
        "<slug:slug>/members/<int:membership_id>/role/",
        views.membership_role,
        name="membership_role",
    ),
    path(
        "<slug:slug>/members/<int:membership_id>/remove/",
        views.membership_remove,
        name="membership_remove",
    ),
]
