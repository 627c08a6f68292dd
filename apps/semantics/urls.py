from django.urls import path

from . import views

app_name = "semantics"

urlpatterns = [
    path("topic-suggestions/", views.topic_suggestions, name="topic_suggestions"),
]
