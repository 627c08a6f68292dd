from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.knowledge_list, name="list"),
    path("<slug:slug>/", views.knowledge_detail, name="detail"),
    path("<slug:slug>/download/", views.knowledge_download, name="download"),
]
