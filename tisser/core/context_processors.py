from django.conf import settings


def site(request):
    """What every page needs to know about the instance. `NETWORK_NAME` is written as the
    page's language wants it in a sentence ("l'APES Hauts-de-France" in French);
    `NETWORK_TITLE` is the bare name, for titles and the brand."""
    from .network import display_name

    return {
        "NETWORK_NAME": display_name(),
        "NETWORK_TITLE": settings.NETWORK_NAME,
        "SITE_URL": settings.SITE_URL,
    }


def staff_navigation(request):
    """The staff bar's sections and links, computed only when a page shows them."""
    from django.utils.functional import SimpleLazyObject

    from .staff import navigation

    return {"STAFF_NAVIGATION": SimpleLazyObject(lambda: navigation(request))}
