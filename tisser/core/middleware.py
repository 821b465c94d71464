"""Security headers that Django does not set by itself."""

from urllib.parse import urlsplit

from django.conf import settings


def _origin(url: str) -> str:
    parts = urlsplit(
        url.replace("{s}", "a").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0")
    )
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def build_policy() -> str:
    """A strict Content-Security-Policy: our own scripts only, map tiles as images."""
    tiles = _origin(getattr(settings, "TISSER_MAP_TILES_URL", ""))
    img = " ".join(filter(None, ["'self'", "data:", "blob:", tiles]))
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        f"img-src {img}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors " + getattr(settings, "TISSER_FRAME_ANCESTORS", "'self'"),
    ]
    if getattr(settings, "PRODUCTION", False):
        directives.append("upgrade-insecure-requests")
    return "; ".join(directives)


#: Powerful browser features nobody needs here; the map may ask for the visitor's position.
PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"


class ContentSecurityPolicyMiddleware:
    """Sets the policy on every response that has none (a view may set its own, e.g. an
    embeddable page that widens frame-ancestors)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
