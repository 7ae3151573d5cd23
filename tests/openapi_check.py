"""Checks every API response the suite produces against the app's OpenAPI document."""
from __future__ import annotations

import re
from functools import lru_cache

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

API = "/api/v1"


class OpenAPIMismatch(AssertionError):
    pass


@lru_cache(maxsize=1)
def _document_and_registry():
    from exchange.api.openapi import openapi_document

    document = openapi_document("Giełda")
    resource = Resource.from_contents(
        {"$schema": "https://json-schema.org/draft/2020-12/schema", **document})
    return document, Registry().with_resource("urn:openapi", resource)


def _operation(document: dict, method: str, path: str) -> dict:
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return operations[method.lower()]
    raise OpenAPIMismatch(f"{method} {API}{path} is not in the OpenAPI document")


def check_response(method: str, url: str, status: int, body) -> None:
    """Fail unless STATUS and BODY are what the document promises for METHOD URL."""
    document, registry = _document_and_registry()
    path = url.split("?")[0][len(API):]
    try:
        operation = _operation(document, method, path)
    except OpenAPIMismatch:
        if status == 404:  # an address the API does not have
            return
        raise
    response = operation["responses"].get(str(status))
    if response is None:
        raise OpenAPIMismatch(f"{method} {url} answered {status}, which is not documented")
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return
    if body is None:
        raise OpenAPIMismatch(f"{method} {url} answered {status} without the documented JSON")
    schema = _rebase(schema)
    validator = Draft202012Validator(schema, registry=registry)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    if errors:
        raise OpenAPIMismatch(f"{method} {url} {status}: {errors[0].message} at "
                              f"{list(errors[0].path)}")


def _rebase(schema):
    """Point local refs ("#/components/…") at the registered document."""
    if isinstance(schema, dict):
        return {k: ("urn:openapi" + v if k == "$ref" and v.startswith("#") else _rebase(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


class CheckingClient(FlaskClient):
    """A test client that checks each API answer against the OpenAPI document."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        if request.path.startswith(API) and request.path != API + "/openapi.json" \
                and response.status_code != 405:
            body = response.get_json(silent=True) if response.is_json else None
            check_response(request.method, request.path, response.status_code, body)
        return response
