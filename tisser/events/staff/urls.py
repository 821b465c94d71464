"""URLs of the staff side of the agenda (under /gestion/evenements/) and of the shared
agenda (events proposed by members, calls for proposals). Included first by urls.py, in
the `events` namespace, so that /agenda/proposer/ is not taken for an event's slug; the
staff's under one prefix, so that a public URL (a registration) skips them at once."""

from django.urls import include, path

from tisser.events.proposals import views as views_proposals
from tisser.events.staff import checkin
from tisser.events.staff import views as views_staff

staff_patterns = [
    path("statistiques/", views_staff.statistics, name="staff_statistics"),
    path("propositions/", views_proposals.proposal_queue, name="staff_proposals"),
    path(
        "propositions/<int:pk>/",
        views_proposals.review_proposal,
        name="staff_review_proposal",
    ),
    path("appels/", views_proposals.staff_calls, name="staff_calls"),
    path("appels/<int:pk>/", views_proposals.staff_call, name="staff_call"),
    path(
        "appels/<int:pk>/export.<str:fmt>",
        views_proposals.staff_call,
        name="staff_call_export",
    ),
    path("<int:pk>/participants/", views_staff.participants, name="staff_participants"),
    path(
        "<int:pk>/participants/export.<str:fmt>",
        views_staff.export,
        name="staff_export",
    ),
    path("<int:pk>/participants/pointer/", views_staff.bulk_checkin, name="staff_bulk_checkin"),
    path("<int:pk>/participants/ecrire/", views_staff.bulk_emails, name="staff_bulk_emails"),
    path(
        "<int:pk>/participants/<int:registration_pk>/",
        views_staff.registration_action,
        name="staff_registration_action",
    ),
    path("<int:pk>/badges.pdf", views_staff.badges, name="staff_badges"),
    path("<int:pk>/emargement.pdf", views_staff.attendance_sheet, name="staff_sheet"),
    path("<int:pk>/dupliquer/", views_staff.duplicate, name="staff_duplicate"),
    path("<int:pk>/accueil/", checkin.desk, name="staff_checkin_desk"),
    path("<int:pk>/accueil/sur-place/", checkin.walk_in, name="staff_checkin_walk_in"),
    path(
        "<int:pk>/accueil/<int:registration_pk>/",
        checkin.mark,
        name="staff_checkin_mark",
    ),
]

urlpatterns = [
    path("agenda/proposer/", views_proposals.propose_event, name="propose_event"),
    path("agenda/appels/<slug:slug>/", views_proposals.call, name="call"),
    path("agenda/appels/<slug:slug>/merci/", views_proposals.call_thanks, name="call_thanks"),
    path("gestion/evenements/", include(staff_patterns)),
]
