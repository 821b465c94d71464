"""A representative's own organisations, under /mon-organisation/."""

from django.urls import path

from tisser.directory.contacts import views_claims, views_representative

urlpatterns = [
    path("mon-organisation/", views_representative.my_organisations, name="my_organisations"),
    path(
        "mon-organisation/<slug:slug>/modifier/",
        views_representative.edit_my_organisation,
        name="my_organisation_edit",
    ),
    path(
        "mon-organisation/demande/<str:token>/",
        views_claims.claim_decision,
        name="claim_decision",
    ),
]
