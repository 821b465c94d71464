from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("recherche/", views.search, name="search"),
    path("departements.geojson", views.departements_geojson, name="departements_geojson"),
    path("regions.geojson", views.regions_geojson, name="regions_geojson"),
    path("communes.geojson", views.communes_geojson, name="communes_geojson"),
]
