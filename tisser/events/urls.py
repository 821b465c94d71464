"""The events app's URLs: the public agenda, the registrant's signed page, the feeds,
the API, and the staff's list of events (the staff modules add their own)."""

from django.urls import include, path
from django.views.generic import RedirectView

from tisser.events import views
from tisser.events.staff import views_events as views_staff_events

app_name = "events"
urlpatterns = [
    path("", include("tisser.events.staff.urls")),
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/flux.ics", views.agenda_feed, name="feed"),
    path("agenda/flux/<slug:kind>.ics", views.agenda_feed, name="feed_kind"),
    path("agenda/integrer/", views.embed, name="embed"),
    path("agenda/inscription/<str:token>/", views.manage, name="manage"),
    path("agenda/<slug:slug>/", views.event_detail, name="event"),
    path("agenda/<slug:slug>/inscription/", views.register, name="register"),
    # The agenda's own OpenAPI document became part of the one API's.
    path(
        "api/v1/events/openapi.json",
        RedirectView.as_view(url="/api/openapi.json", permanent=True),
        name="api_openapi",
    ),
    path("gestion/evenements/", views_staff_events.staff_events, name="staff_events"),
    path(
        "gestion/evenements/nouveau/", views_staff_events.staff_event_edit, name="staff_event_new"
    ),
    path(
        "gestion/evenements/<int:pk>/modifier/",
        views_staff_events.staff_event_edit,
        name="staff_event_edit",
    ),
    path(
        "gestion/evenements/<int:pk>/annuler/",
        views_staff_events.staff_event_cancel,
        name="staff_event_cancel",
    ),
    path("gestion/evenements/types/", views_staff_events.staff_kinds, name="staff_kinds"),
    path(
        "gestion/evenements/pointage/<str:token>/",
        views_staff_events.checkin,
        name="checkin",
    ),
]
