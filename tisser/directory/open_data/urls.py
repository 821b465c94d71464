"""Open-data downloads of the public directory, beside the map (/carte/export.*), and the
API's page for people (/api/)."""

from django.urls import path

from tisser.directory.open_data import exports as exports_public
from tisser.directory.open_data import gogocarto as exports_gogocarto
from tisser.directory.open_data import views_api

urlpatterns = [
    path("api/", views_api.index, name="api_index"),
    path("carte/export.geojson", exports_public.export_geojson, name="export_geojson"),
    path("carte/export.csv", exports_public.export_csv, name="export_csv"),
    # The same actors in GoGoCarto's shape and as JSON-LD, for map aggregators.
    path("carte/gogocarto.json", exports_gogocarto.gogocarto_json, name="export_gogocarto"),
    path("carte/gogocarto.jsonld", exports_gogocarto.gogocarto_jsonld, name="export_gogocarto_ld"),
]
