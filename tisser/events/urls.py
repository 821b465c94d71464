"""The events app's public URLs (staff pages in their own modules)."""

from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/<slug:slug>/", views.event_detail, name="event"),
    path("agenda/<slug:slug>/inscription/", views.register, name="register"),
]
