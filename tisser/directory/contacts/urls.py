"""Staff pages of the contacts base, under /gestion/ (staff editors and admins only)."""

from django.urls import path

from tisser.directory.contacts import views as views_staff
from tisser.directory.contacts import views_claims, views_segments
from tisser.directory.contacts import views_merge_people as views_staff_merge_people
from tisser.directory.contacts import views_people as views_staff_people
from tisser.directory.contacts import views_timeline as views_staff_timeline
from tisser.directory.imports import views as views_staff_imports

urlpatterns = [
    path("organisations/", views_staff.organisation_list, name="staff_list"),
    path("organisations/nouvelle/", views_staff.organisation_create, name="staff_create"),
    path("organisations/ecrire/", views_staff.organisation_emails, name="staff_emails"),
    path("organisations/<int:pk>/", views_staff.organisation_detail, name="staff_detail"),
    path("organisations/<int:pk>/modifier/", views_staff.organisation_edit, name="staff_edit"),
    path(
        "organisations/<int:pk>/archiver/", views_staff.organisation_archive, name="staff_archive"
    ),
    path(
        "organisations/<int:pk>/personnes/",
        views_staff.organisation_add_person,
        name="staff_add_person",
    ),
    path("organisations/<int:pk>/fusionner/", views_staff.merge_choose, name="staff_merge_choose"),
    path("fusion/", views_staff.merge, name="staff_merge"),
    path("doublons/", views_staff.duplicates, name="staff_duplicates"),
    path(
        "organisations/<int:pk>/historique/",
        views_staff_timeline.organisation_timeline,
        name="staff_timeline",
    ),
    path(
        "personnes/doublons/",
        views_staff_merge_people.person_duplicates,
        name="staff_person_duplicates",
    ),
    path("personnes/fusion/", views_staff_merge_people.person_merge, name="staff_person_merge"),
    path(
        "personnes/<int:pk>/fusionner/",
        views_staff_merge_people.person_merge_choose,
        name="staff_person_merge_choose",
    ),
    path(
        "personnes/<int:pk>/historique/",
        views_staff_timeline.person_timeline,
        name="staff_person_timeline",
    ),
    path(
        "organisations/export.<str:fmt>",
        views_staff_imports.export_organisations,
        name="staff_export",
    ),
    path("personnes/", views_staff_people.person_list, name="staff_people"),
    path("personnes/nouvelle/", views_staff_people.person_form, name="staff_person_create"),
    path("personnes/ecrire/", views_staff_people.person_emails, name="staff_people_emails"),
    path("personnes/<int:pk>/", views_staff_people.person_detail, name="staff_person_detail"),
    path("personnes/<int:pk>/modifier/", views_staff_people.person_form, name="staff_person_edit"),
    path(
        "personnes/<int:pk>/donnees.json",
        views_staff_people.person_export_data,
        name="staff_person_export_data",
    ),
    path("personnes/<int:pk>/effacer/", views_staff_people.person_erase, name="staff_person_erase"),
    path(
        "personnes/<int:pk>/consentements/",
        views_staff_people.person_consent,
        name="staff_person_consent",
    ),
    path(
        "personnes/export.<str:fmt>", views_staff_imports.export_people, name="staff_people_export"
    ),
    path("roles/<int:pk>/", views_staff_people.affiliation_edit, name="staff_affiliation"),
    path("segments/", views_segments.segment_list, name="staff_segments"),
    path("segments/recherche/", views_segments.segment_search, name="staff_segments_search"),
    path("segments/compte/", views_segments.segment_count, name="staff_segments_count"),
    path("segments/export.<str:fmt>", views_segments.segment_export, name="staff_segments_export"),
    path("segments/enregistrer/", views_segments.segment_save, name="staff_segments_save"),
    path(
        "segments/<int:pk>/supprimer/",
        views_segments.segment_delete,
        name="staff_segments_delete",
    ),
    path("demandes/", views_claims.claim_list, name="staff_claims"),
    path("demandes/<int:pk>/accepter/", views_claims.claim_accept, name="staff_claim_accept"),
    path("demandes/<int:pk>/refuser/", views_claims.claim_refuse, name="staff_claim_refuse"),
    path("imports/", views_staff_imports.import_upload, name="staff_import"),
    path("imports/gogocarto/", views_staff_imports.gogocarto_upload, name="staff_gogocarto_import"),
    path(
        "imports/gogocarto/<int:pk>/categories/",
        views_staff_imports.gogocarto_categories,
        name="staff_gogocarto_categories",
    ),
    path(
        "imports/modele.<str:fmt>",
        views_staff_imports.import_template,
        name="staff_import_template",
    ),
]
