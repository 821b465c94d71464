"""The directory's URLs, one module per audience so each stays small."""

from django.urls import include, path

app_name = "directory"
urlpatterns = [
    path("", include("tisser.directory.urls_public")),
    path("", include("tisser.directory.urls_open_data")),
    path("", include("tisser.directory.urls_proposals")),
    path("", include("tisser.directory.urls_representative")),
    path("gestion/", include("tisser.directory.urls_staff")),
]
