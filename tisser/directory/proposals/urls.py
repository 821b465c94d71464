"""The cooperative map: proposals by anyone, moderation by staff (mounted at the site root)."""

from django.urls import path

from tisser.directory.proposals import views

urlpatterns = [
    path("proposer/", views.propose, name="propose"),
    path("proposer/merci/", views.propose_thanks, name="propose_thanks"),
    path(
        "acteurs/<slug:slug>/proposer-une-modification/",
        views.propose_change,
        name="propose_change",
    ),
    path("gestion/propositions/", views.moderation, name="moderation"),
    path("gestion/propositions/<int:pk>/", views.moderation_detail, name="moderation_detail"),
    path(
        "gestion/propositions/<int:pk>/accepter/",
        views.moderation_accept,
        name="moderation_accept",
    ),
    path(
        "gestion/propositions/<int:pk>/refuser/",
        views.moderation_reject,
        name="moderation_reject",
    ),
]
