"""Checks an API response against the generated OpenAPI document (JSON Schema 2020-12,
which OpenAPI 3.1 uses), so that no test can receive an answer the document does not
describe. `tisser/conftest.py` runs it on every response the test client gets under /api/."""

from __future__ import annotations

import json
import re
from functools import lru_cache

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

#: Not part of the document: the docs page and the people's page.
UNDOCUMENTED = ("/api/docs/", "/api/openapi.json")


class ContractError(AssertionError):
    pass


@lru_cache(maxsize=1)
def _document() -> dict:
    from tisser.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))


@lru_cache(maxsize=1)
def _routes() -> list[tuple[re.Pattern, str]]:
    routes = []
    for template in _document()["paths"]:
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        routes.append((re.compile(f"^{pattern}$"), template))
    # Literal paths before templated ones.
    routes.sort(key=lambda item: item[1].count("{"))
    return routes


@lru_cache(maxsize=1)
def _registry() -> Registry:
    document = _document()
    return Registry().with_resource("urn:tisser-api", Resource(document, DRAFT202012))


def check(method: str, path: str, status: int, content_type: str, body: bytes) -> None:
    """Raise ContractError if this response is not what the document says."""
    if not path.startswith("/api/") or path.startswith(UNDOCUMENTED) or path == "/api/":
        return
    if 300 <= status < 400:
        return  # a redirect from an address that moved
    if not content_type.startswith("application/json"):
        raise ContractError(f"{method} {path} → {status} is not JSON ({content_type})")
    data = json.loads(body)
    template = next((t for pattern, t in _routes() if pattern.match(path)), None)
    operation = _document()["paths"].get(template, {}).get(method.lower()) if template else None
    if operation is None:
        # An unknown address or method: the one error body.
        schema = {"$ref": "urn:tisser-api#/components/schemas/ErrorOut"}
    else:
        responses = operation["responses"]
        response = responses.get(str(status))
        if response is None:
            raise ContractError(f"{method} {template} answered {status}, not documented")
        schema = response["content"]["application/json"]["schema"]
        schema = json.loads(
            json.dumps(schema).replace('"#/components/', '"urn:tisser-api#/components/')
        )
    try:
        jsonschema.Draft202012Validator(schema, registry=_registry()).validate(data)
    except jsonschema.ValidationError as exc:
        raise ContractError(f"{method} {path} → {status}: {exc.message}") from exc
