from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import views
from .imports.urls import urlpatterns as import_urls

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("textes/images/", views.upload_image, name="upload_image"),
    # The editor's dialogs (link, image) in the reader's language.
    path(
        "textes/traductions.js",
        JavaScriptCatalog.as_view(packages=["django_prose_editor"]),
        name="editor_catalog",
    ),
    *import_urls,
]
