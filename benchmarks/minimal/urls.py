"""Tisser's URLs plus the minimal registration view (benchmarks only)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/minimal/", views.register),
    path("", include("tisser.urls")),
]
