"""The JSON API for programs, mounted at /api/ (names `directory:api_*`)."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.index, name="api_index"),
    path("openapi.json", api.openapi_document, name="api_openapi"),
    path("v1/organisations/", api.organisations, name="api_organisations"),
    path("v1/organisations/<slug:slug>/", api.organisation, name="api_organisation"),
    path("v1/categories/", api.categories, name="api_categories"),
]
