"""The memberships app's URLs: the public membership form, the representative's pages,
HelloAsso's webhook, and the staff pages under /gestion/adhesions/."""

from django.urls import path

from tisser.core.imports.views import legacy_job_urls

from . import views, views_staff, views_staff_lists

app_name = "memberships"
urlpatterns = [
    path("adhesion/", views.join, name="join"),
    path("adhesion/merci/", views.join_done, name="join_done"),
    path("adhesion/mes-adhesions/", views.my_memberships, name="mine"),
    path("adhesion/<int:pk>/attestation.pdf", views.certificate, name="certificate"),
    path("webhooks/helloasso/", views.helloasso_webhook, name="helloasso_webhook"),
    path("gestion/adhesions/", views_staff.membership_list, name="staff_memberships"),
    path(
        "gestion/adhesions/export.<str:fmt>",
        views_staff.membership_export,
        name="staff_export",
    ),
    path("gestion/adhesions/valider/", views_staff_lists.bulk_validate, name="staff_bulk_validate"),
    path("gestion/adhesions/ecrire/", views_staff_lists.membership_emails, name="staff_emails"),
    path("gestion/adhesions/paiements/", views_staff_lists.payment_list, name="staff_payments"),
    path(
        "gestion/adhesions/paiements/export.<str:fmt>",
        views_staff_lists.payment_export,
        name="staff_payments_export",
    ),
    path("gestion/adhesions/<int:pk>/", views_staff.membership_detail, name="staff_detail"),
    path(
        "gestion/adhesions/<int:pk>/valider/",
        views_staff.membership_validate,
        name="staff_validate",
    ),
    path("gestion/adhesions/<int:pk>/annuler/", views_staff.membership_cancel, name="staff_cancel"),
    path(
        "gestion/adhesions/<int:pk>/college/",
        views_staff.membership_college,
        name="staff_college",
    ),
    path("gestion/adhesions/cotisations/", views_staff.fees, name="staff_fees"),
    path("gestion/adhesions/annees/", views_staff.year_create, name="staff_year_create"),
    path(
        "gestion/adhesions/cotisations/<int:year>/nouvelle/",
        views_staff.fee_form,
        name="staff_fee_create",
    ),
    path(
        "gestion/adhesions/cotisations/<int:year>/<int:pk>/",
        views_staff.fee_form,
        name="staff_fee_edit",
    ),
    path(
        "gestion/adhesions/cotisations/<int:year>/<int:pk>/supprimer/",
        views_staff.fee_delete,
        name="staff_fee_delete",
    ),
    path(
        "gestion/adhesions/cotisations/<int:year>/copier/",
        views_staff.fee_copy,
        name="staff_fee_copy",
    ),
    path("gestion/adhesions/import-helloasso/", views_staff.helloasso_import, name="staff_import"),
    # The pages of a job are the import engine's; links to the old ones still lead there.
    *legacy_job_urls(
        "gestion/adhesions/import-helloasso/",
        "helloasso",
        detail="staff_import_detail",
        progress="staff_import_progress",
        confirm="staff_import_confirm",
    ),
    path("gestion/adhesions/statistiques/", views_staff.statistics, name="staff_statistics"),
]
