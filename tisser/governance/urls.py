"""The governance app's URLs."""

from django.urls import path

from . import views_groups, views_staff, views_vote

app_name = "governance"
urlpatterns = [
    # Working groups.
    path("groupes/", views_groups.group_list, name="groups"),
    path("groupes/<slug:slug>/", views_groups.group_detail, name="group"),
    path("groupes/<slug:slug>/rejoindre/", views_groups.join, name="group_join"),
    path("groupes/<slug:slug>/ecrire/", views_groups.write, name="group_write"),
    # Assemblies, for members and the public.
    path("assemblees/", views_vote.assembly_list, name="assemblies"),
    path("assemblees/<slug:slug>/", views_vote.assembly_page, name="assembly"),
    path("assemblees/<slug:slug>/presence/<int:voter_pk>/", views_vote.attend, name="attend"),
    path("assemblees/<slug:slug>/pouvoir/<int:voter_pk>/", views_vote.proxy, name="proxy"),
    path(
        "assemblees/<slug:slug>/candidature/<int:motion_pk>/<int:voter_pk>/",
        views_vote.stand,
        name="stand",
    ),
    path(
        "assemblees/<slug:slug>/votes/<int:motion_pk>/resultats/",
        views_vote.results,
        name="results",
    ),
    path(
        "assemblees/<slug:slug>/votes/<int:motion_pk>/recus/", views_vote.receipts, name="receipts"
    ),
    path("mes-votes/", views_vote.my_votes, name="my_votes"),
    path("vote/<str:token>/", views_vote.ballot, name="ballot"),
    # Staff.
    path("gestion/assemblees/", views_staff.assembly_list, name="staff_assemblies"),
    path("gestion/assemblees/<int:pk>/", views_staff.assembly_detail, name="staff_assembly"),
    path(
        "gestion/assemblees/<int:pk>/emargement/", views_staff.attendance, name="staff_attendance"
    ),
    path(
        "gestion/assemblees/<int:pk>/emargement/quorum/",
        views_staff.attendance_live,
        name="staff_attendance_live",
    ),
    path(
        "gestion/assemblees/<int:pk>/votes/<int:motion_pk>/main-levee/",
        views_staff.room_vote,
        name="staff_room_vote",
    ),
    path(
        "gestion/assemblees/<int:pk>/votes/<int:motion_pk>/clore/",
        views_staff.close_motion,
        name="staff_close_motion",
    ),
    path("gestion/assemblees/<int:pk>/clore/", views_staff.close_assembly, name="staff_close"),
    path(
        "gestion/assemblees/<int:pk>/votes/<int:motion_pk>/participation/",
        views_staff.audit,
        name="staff_audit",
    ),
    path(
        "gestion/assemblees/<int:pk>/votes/<int:motion_pk>/liens/",
        views_staff.resend_links,
        name="staff_resend_links",
    ),
    path(
        "gestion/assemblees/<int:pk>/proces-verbal.pdf",
        views_staff.minutes_pdf,
        name="staff_minutes",
    ),
]
