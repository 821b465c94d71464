import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisser.settings")
application = get_wsgi_application()


def _settle() -> None:
    """Load what the first request would (the URLs and the views they import), then move
    every object alive so far out of the garbage collector's sight: a web process holds
    a few hundred thousand of them (code, settings, translations) that never become
    garbage, and each full collection walked them all, for tens of milliseconds."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and its views)
    gc.collect()
    gc.freeze()


_settle()
