from django.urls import path

from . import views

# Pages of a community that belong to the knowledge base: the project's URL map puts them in
# the community section ("communities:add_result"), under /communities/<slug>/.
community_urlpatterns = [
    path("<slug:slug>/results/new/", views.community_result_add, name="add_result"),
]

app_name = "knowledge"
urlpatterns = [
    path("", views.knowledge_list, name="list"),
    path("<slug:slug>/", views.knowledge_detail, name="detail"),
    path("<slug:slug>/download/", views.knowledge_download, name="download"),
]
