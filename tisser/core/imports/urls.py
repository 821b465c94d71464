from django.urls import path

from . import views

urlpatterns = [
    path("gestion/imports/historique/", views.job_list, name="import_list"),
    path("gestion/imports/<int:pk>/", views.job_detail, name="import_detail"),
    path("gestion/imports/<int:pk>/progression/", views.job_progress, name="import_progress"),
    path("gestion/imports/<int:pk>/confirmer/", views.job_confirm, name="import_confirm"),
    path("gestion/imports/<int:pk>/annuler/", views.job_cancel, name="import_cancel"),
    path("gestion/imports/<int:pk>/relancer/", views.job_restart, name="import_restart"),
]
