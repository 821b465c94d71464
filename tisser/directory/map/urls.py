"""Public pages of the directory: the cooperative map, its data, and each actor's page."""

from django.urls import path

from tisser.directory.map import views as views_map
from tisser.directory.map import views_actor

urlpatterns = [
    path("carte/", views_map.map_page, name="map"),
    path("carte/embed/", views_map.embed, name="embed"),
    path("carte/donnees/", views_map.map_data, name="map_data"),
    path("carte/liste/", views_map.map_list, name="map_list"),
    path("acteurs/<slug:slug>/", views_actor.organisation_detail, name="organisation"),
]
