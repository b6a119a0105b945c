"""The sandbox's JSON responses: compact bodies and the Fastify-shaped error body (Part B 1)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.responses import Response

from juo_flowtest.sandbox import assumptions
from juo_flowtest.sandbox.jsoncodec import CODEC


class JSON(Response):
    """A compact JSON response (no indentation, no ASCII escaping: ``jsoncodec``)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return CODEC.dumps(content)


def error_content(code: str, message: str) -> tuple[int, dict[str, Any]]:
    """The status and the Fastify-shaped error body (``assumptions.ERROR_FIELDS``)."""
    status = assumptions.ERRORS[code]
    return status, {"statusCode": status, "error": HTTPStatus(status).phrase, "code": code,
                    "message": message}


def error_response(code: str, message: str) -> JSON:
    """The Fastify-shaped error response."""
    status, content = error_content(code, message)
    return JSON(content, status_code=status)
