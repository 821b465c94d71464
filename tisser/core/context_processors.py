from django.conf import settings


def site(request):
    """What every page needs to know about the instance."""
    return {"NETWORK_NAME": settings.NETWORK_NAME, "SITE_URL": settings.SITE_URL}


def staff_navigation(request):
    """The staff bar's sections and links, computed only when a page shows them."""
    from django.utils.functional import SimpleLazyObject

    from .staff import navigation

    return {"STAFF_NAVIGATION": SimpleLazyObject(lambda: navigation(request))}
