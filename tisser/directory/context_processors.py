from .permissions import represented_organisations


def representative(request):
    """Whether to offer "My organisation" in the navigation (one query, logged-in users only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"represents_organisations": False}
    return {"represents_organisations": represented_organisations(user).exists()}
