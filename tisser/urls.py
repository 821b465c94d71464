from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("compte/", include("tisser.accounts.urls")),
    # Early: a registration in a rush resolves its URL without trying every other app's
    # patterns first (every events URL starts with agenda/ or gestion/evenements/).
    path("", include("tisser.events.urls")),
    path("", include("tisser.core.urls")),
    path("gestion/", include("tisser.accounts.urls_staff")),
    path("territoires/", include("tisser.territories.urls")),
    path("", include("tisser.directory.urls")),  # before the API: its page for people is /api/
    path("api/", include("tisser.api")),
    path("", include("tisser.memberships.urls")),
    path("", include("tisser.publications.urls")),
    path("", include("tisser.governance.urls")),
    path("", include("tisser.observatory.urls")),
]

handler400 = "tisser.core.errors.bad_request"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
