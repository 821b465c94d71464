from django.utils.functional import SimpleLazyObject

from tisser.directory.contacts.queries_claims import claims_of, shows_my_organisation


def representative(request):
    """Whether to offer "My organisation" in the navigation (one query, logged-in users
    only), and the user's claims waiting for confirmation (read only where a page shows
    them)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"represents_organisations": False, "my_claims": ()}
    return {
        "represents_organisations": shows_my_organisation(user),
        "my_claims": SimpleLazyObject(lambda: list(claims_of(user))),
    }
