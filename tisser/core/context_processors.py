from django.conf import settings


def site(request):
    """What every page needs to know about the instance."""
    return {"NETWORK_NAME": settings.NETWORK_NAME, "SITE_URL": settings.SITE_URL}
