"""The one JSON API (`/api/v1/`), assembled from the routers each app owns.

This is the only module that imports every app's `api.py`; the machinery they share
(error body, pagination, rate limits) is `tisser.core.api`, the tokens are
`tisser.accounts.api_auth`. The OpenAPI 3.1 document (`/api/openapi.json`) and the docs
page (`/api/docs/`) are generated from the routers' typed schemas.
"""

from django.conf import settings

from tisser.accounts.api_auth import API_AUTH
from tisser.core.api import add_error_responses, build_api
from tisser.directory.open_data.api import router as directory_router
from tisser.events.api import router as events_router
from tisser.governance.api import router as governance_router
from tisser.memberships.api import router as memberships_router
from tisser.observatory.api import router as observatory_router
from tisser.publications.api import router as publications_router
from tisser.territories.api import router as territories_router

ROUTERS = [
    directory_router,
    territories_router,
    events_router,
    memberships_router,
    publications_router,
    governance_router,
    observatory_router,
]

api = build_api(
    title=f"{settings.NETWORK_NAME} — Tisser API",
    description=(
        "The network's data for programs. Public data need no token; staff create personal "
        "tokens with scopes on their account page and send them as "
        "`Authorization: Bearer <token>`. Lists are paginated (`page`, `page_size`) with "
        "the total (an estimate past a thousand matches, flagged by `count_is_estimate`) "
        "and links to the next and previous pages. Every error is "
        '`{"error": {"status", "code", "message"}}`.'
    ),
    auth=API_AUTH,
)
for router in ROUTERS:
    api.add_router("/v1/", router)

_generate = api.get_openapi_schema


def _document(*args, **kwargs):
    return add_error_responses(_generate(*args, **kwargs))


api.get_openapi_schema = _document

# `include("tisser.api")` in tisser/urls.py: the URL names are `api:<name>`.
urlpatterns = api.urls[0]
app_name = "api"
