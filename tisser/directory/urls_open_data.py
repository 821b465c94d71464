"""Open-data downloads of the public directory, beside the map (/carte/export.*)."""

from django.urls import path

from . import exports_public

urlpatterns = [
    path("carte/export.geojson", exports_public.export_geojson, name="export_geojson"),
    path("carte/export.csv", exports_public.export_csv, name="export_csv"),
]
