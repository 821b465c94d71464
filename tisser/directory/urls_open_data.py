"""Open-data downloads of the public directory, beside the map (/carte/export.*), and the
API's page for people (/api/)."""

from django.urls import path

from . import exports_public, views_api

urlpatterns = [
    path("api/", views_api.index, name="api_index"),
    path("carte/export.geojson", exports_public.export_geojson, name="export_geojson"),
    path("carte/export.csv", exports_public.export_csv, name="export_csv"),
]
