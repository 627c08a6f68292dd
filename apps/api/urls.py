"""`/api/v1/`: the API, its OpenAPI document and its reference page; outside the language
prefixes (the API follows Accept-Language)."""

from django.urls import path

from . import views
from .api import api

urlpatterns = [
    path("docs", views.reference_page, name="api_docs"),
    path("", api.urls),
]
