"""The observatory app's URLs: public observatory and sourcing, staff imports."""

from django.urls import path

from tisser.core.imports.views import legacy_job_urls

from . import views, views_sourcing, views_staff

app_name = "observatory"
urlpatterns = [
    path("observatoire/", views.home, name="home"),
    path("observatoire/indicateurs/<slug:slug>/", views.indicator_page, name="indicator"),
    path(
        "observatoire/indicateurs/<slug:slug>/valeurs.json", views.values_json, name="values_json"
    ),
    path("observatoire/indicateurs/<slug:slug>/valeurs.csv", views.values_csv, name="values_csv"),
    path("observatoire/indicateurs/<slug:slug>/graphique/", views.embed, name="embed"),
    path("observatoire/communes-centres.json", views.commune_centres, name="commune_centres"),
    path("observatoire/territoires/", views.territory_search, name="territory_search"),
    path("observatoire/territoires/<str:code>/", views.territory, name="territory"),
    path("sourcing/", views_sourcing.search, name="sourcing"),
    path("sourcing/selections/", views_sourcing.shortlist_create, name="shortlist_create"),
    path("sourcing/selections/mes/<int:pk>/", views_sourcing.shortlist_mine, name="shortlist_mine"),
    path("sourcing/selection/<str:token>/", views_sourcing.shortlist_detail, name="shortlist"),
    path(
        "sourcing/selection/<str:token>/inviter/",
        views_sourcing.shortlist_invite,
        name="shortlist_invite",
    ),
    path(
        "sourcing/selection/<str:token>/export.<str:fmt>",
        views_sourcing.shortlist_export,
        name="shortlist_export",
    ),
    path("gestion/observatoire/", views_staff.staff_home, name="staff_home"),
    path(
        "gestion/observatoire/indicateurs/nouveau/",
        views_staff.indicator_form,
        name="staff_indicator_create",
    ),
    path(
        "gestion/observatoire/indicateurs/<int:pk>/",
        views_staff.indicator_detail,
        name="staff_indicator",
    ),
    path(
        "gestion/observatoire/indicateurs/<int:pk>/modifier/",
        views_staff.indicator_form,
        name="staff_indicator_edit",
    ),
    # The pages of a job are the import engine's; links to the old ones still lead there.
    *legacy_job_urls(
        "gestion/observatoire/imports/",
        "indicators",
        detail="staff_import",
        progress="staff_import_progress",
        confirm="staff_import_confirm",
    ),
    path(
        "gestion/observatoire/modele.csv", views_staff.import_template, name="staff_import_template"
    ),
    path("gestion/observatoire/fournisseurs/", views_staff.supplier_list, name="staff_suppliers"),
    path(
        "gestion/observatoire/fournisseurs/<int:pk>/",
        views_staff.supplier_edit,
        name="staff_supplier",
    ),
    path("gestion/observatoire/sirene/", views_staff.sirene_form, name="staff_sirene"),
    *legacy_job_urls("gestion/observatoire/sirene/", "sirene", detail="staff_sirene_detail"),
]
