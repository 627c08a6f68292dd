from django.urls import path

from . import browse, views

app_name = "communities"
urlpatterns = [
    path("", browse.community_list, name="list"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path("invitations/<int:pk>/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/decline/", views.invitation_decline, name="invitation_decline"),
    path("<slug:slug>/", views.community_detail, name="detail"),
    path("<slug:slug>/join/", views.community_join, name="join"),
    path("<slug:slug>/join/withdraw/", views.join_request_withdraw_view, name="withdraw"),
    path("<slug:slug>/requests/", views.join_requests, name="requests"),
    path(
        "<slug:slug>/requests/<int:pk>/approve/",
        views.join_request_approve_view,
        name="approve",
    ),
    path(
        "<slug:slug>/requests/<int:pk>/decline/",
        views.join_request_decline_view,
        name="decline",
    ),
    path("<slug:slug>/activities/new/", views.activity_create_view, name="activity_create"),
    path("<slug:slug>/activities/<int:pk>/edit/", views.activity_edit_view, name="activity_edit"),
    path(
        "<slug:slug>/activities/<int:pk>/delete/",
        views.activity_delete_view,
        name="activity_delete",
    ),
    path("<slug:slug>/calendar.ics", views.community_ical, name="ical"),
    path("<slug:slug>/updates/new/", views.update_create_view, name="update_create"),
    path("<slug:slug>/updates/<int:pk>/delete/", views.update_delete_view, name="update_delete"),
    path("<slug:slug>/learning/", views.learning_record, name="learning"),
    path("<slug:slug>/status/", views.community_status, name="status"),
]
