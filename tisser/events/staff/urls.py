"""URLs of the staff side of the agenda (under /gestion/evenements/) and of the shared
agenda (events proposed by members, calls for proposals). Included first by urls.py, in
the `events` namespace, so that /agenda/proposer/ is not taken for an event's slug."""

from django.urls import path

from tisser.events.proposals import views as views_proposals
from tisser.events.staff import checkin
from tisser.events.staff import views as views_staff

S = "gestion/evenements/"

urlpatterns = [
    path("agenda/proposer/", views_proposals.propose_event, name="propose_event"),
    path("agenda/appels/<slug:slug>/", views_proposals.call, name="call"),
    path("agenda/appels/<slug:slug>/merci/", views_proposals.call_thanks, name="call_thanks"),
    path(S + "statistiques/", views_staff.statistics, name="staff_statistics"),
    path(S + "propositions/", views_proposals.proposal_queue, name="staff_proposals"),
    path(
        S + "propositions/<int:pk>/",
        views_proposals.review_proposal,
        name="staff_review_proposal",
    ),
    path(S + "appels/", views_proposals.staff_calls, name="staff_calls"),
    path(S + "appels/<int:pk>/", views_proposals.staff_call, name="staff_call"),
    path(
        S + "appels/<int:pk>/export.<str:fmt>",
        views_proposals.staff_call,
        name="staff_call_export",
    ),
    path(S + "<int:pk>/participants/", views_staff.participants, name="staff_participants"),
    path(
        S + "<int:pk>/participants/export.<str:fmt>",
        views_staff.export,
        name="staff_export",
    ),
    path(S + "<int:pk>/participants/pointer/", views_staff.bulk_checkin, name="staff_bulk_checkin"),
    path(S + "<int:pk>/participants/ecrire/", views_staff.bulk_emails, name="staff_bulk_emails"),
    path(
        S + "<int:pk>/participants/<int:registration_pk>/",
        views_staff.registration_action,
        name="staff_registration_action",
    ),
    path(S + "<int:pk>/badges.pdf", views_staff.badges, name="staff_badges"),
    path(S + "<int:pk>/emargement.pdf", views_staff.attendance_sheet, name="staff_sheet"),
    path(S + "<int:pk>/dupliquer/", views_staff.duplicate, name="staff_duplicate"),
    path(S + "<int:pk>/accueil/", checkin.desk, name="staff_checkin_desk"),
    path(S + "<int:pk>/accueil/sur-place/", checkin.walk_in, name="staff_checkin_walk_in"),
    path(
        S + "<int:pk>/accueil/<int:registration_pk>/",
        checkin.mark,
        name="staff_checkin_mark",
    ),
]
