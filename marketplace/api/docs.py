"""The OpenAPI 3.1 document SpecTree writes from the routes and models, and its documentation page."""

from __future__ import annotations

import copy
from functools import lru_cache

from flask import current_app, jsonify, render_template

from .blueprint import bp, spec
from .problems import PROBLEM_TYPES

PROBLEM_MEDIA = "application/problem+json"
# Stateful testing and readers: an order placed leads to the order read back.
ORDER_LINK = {
    "GetPlacedOrder": {
        "operationId": "get__api_v1_orders_{order_id}",
        "parameters": {"order_id": "$response.body#/id"},
        "description": "The order just placed.",
    }
}


@bp.get("/openapi.json")
def openapi():
    """The API's OpenAPI 3.1 document."""
    return jsonify(document())


@bp.get("/docs")
def docs():
    """The API's documentation page (Swagger UI from static/vendor: no CDN, no inline script)."""
    return render_template("api/docs.html", problem_types=PROBLEM_TYPES)


def document() -> dict:
    return _document(current_app.config["RATELIMIT_API"])


@lru_cache(maxsize=4)
def _document(limits: str) -> dict:
    """SpecTree's document, adjusted where SpecTree has no switch: errors are application/problem+json,
    responses announce the rate-limit headers, and a placed order links to reading it back."""
    document = copy.deepcopy(spec.spec)
    document["info"]["description"] += f" Rate limits per token or client address: {limits}."
    headers = {
        name: {"description": text, "schema": {"type": "integer"}}
        for name, text in (
            ("X-RateLimit-Limit", "requests allowed in the window"),
            ("X-RateLimit-Remaining", "requests left in the window"),
            ("X-RateLimit-Reset", "when the window resets (Unix time)"),
        )
    }
    for path in document["paths"].values():
        for operation in path.values():
            for status, response in operation["responses"].items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_MEDIA] = content.pop("application/json")
                response["headers"] = headers
            if operation["operationId"] == "post__api_v1_orders":
                operation["responses"]["201"]["links"] = ORDER_LINK
    return document
