"""The directory's URLs, one module per audience so each stays small."""

from django.urls import include, path

app_name = "directory"
urlpatterns = [
    path("", include("tisser.directory.map.urls")),
    path("", include("tisser.directory.open_data.urls")),
    path("", include("tisser.directory.proposals.urls")),
    path("", include("tisser.directory.contacts.urls_representative")),
    path("gestion/", include("tisser.directory.contacts.urls")),
]
