"""Reading a request body: one JSON object, strict, bounded in depth.

Both APIs of the sandbox read bodies here, so a hostile body is a 400 ``validation_error``
naming what is wrong, never a 500: JSON nested deeper than ``MAX_DEPTH`` (Python's parser
would hit its recursion limit at ~1,000 levels, and every later walk of the data could), a body
that is not JSON, ``NaN``/``Infinity`` (not JSON, though Python's parser accepts them), or
not an object.

>>> json_object(b'{"context": {"a": 1}}')
{'context': {'a': 1}}
"""

from __future__ import annotations

import math
import re
from typing import Any

from juo_flowtest.sandbox.jsoncodec import CODEC

MAX_DEPTH = 100
#: The largest integer a body may carry where the API takes one (expectedRunVersion...).
MAX_INTEGER = 2**63 - 1
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"\s*(:?)|[\[\]{}]')


class PayloadError(ValueError):
    """The body cannot be read; the message names the field (``body/context: ...``)."""


def json_object(raw: bytes, required: bool = True) -> dict[str, Any]:
    """The body as a dict, or ``PayloadError`` saying why not (a blank body is ``{}`` when the
    body is optional)."""
    if not required and not raw.strip():
        return {}
    opened = raw.count(b"{")
    if b"[" in raw:  # most bodies have no array: one count fewer
        opened += raw.count(b"[")
    if opened > MAX_DEPTH:
        where = _too_deep(raw)
        if where is not None:
            raise PayloadError(f"{where}: nested more than {MAX_DEPTH} levels deep")
    try:
        data, by_stdlib = CODEC.read(raw, strict=True)  # orjson, or the stdlib if it differs
    except (ValueError, RecursionError):
        raise PayloadError("body: not valid JSON") from None
    if not isinstance(data, dict):
        raise PayloadError("body: must be a JSON object")
    if by_stdlib:  # orjson refuses 1e400; the stdlib reads it as infinity, which JSON has not
        where = _infinite(data)
        if where is not None:
            raise PayloadError(f"{where}: out of range: a number too large for JSON readers "
                               "(it would be infinite)")
    return data


def _infinite(data: dict[str, Any]) -> str | None:
    """``body/<path>`` of the first infinite number in ``data`` (depth is bounded already)."""
    stack: list[tuple[Any, str]] = [(data, "body")]
    while stack:
        node, at = stack.pop()
        if isinstance(node, float) and math.isinf(node):
            return at
        if isinstance(node, dict):
            stack.extend((v, f"{at}/{k}") for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((v, f"{at}/{i}") for i, v in reversed(list(enumerate(node))))
    return None


def integer_in_range(value: Any) -> bool:
    """An integer (``3`` or ``3.0``) JSON readers can hold: within the 64-bit range."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return value.is_integer() and -MAX_INTEGER <= value <= MAX_INTEGER
    return isinstance(value, int) and -MAX_INTEGER <= value <= MAX_INTEGER


def out_of_range(value: Any) -> bool:
    """A whole (or infinite) number beyond the 64-bit range: ``10**400``, ``1e400``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    whole = isinstance(value, int) or value.is_integer() or value in (math.inf, -math.inf)
    return whole and not -MAX_INTEGER <= value <= MAX_INTEGER


def _too_deep(raw: bytes) -> str | None:
    """``body/<top-level field>`` (or ``body``) where the nesting passes ``MAX_DEPTH``."""
    depth = 0
    field: str | None = None
    for match in _TOKEN.finditer(raw):
        token = match.group(0)
        if token[:1] == b'"':
            if depth == 1 and match.group(1):  # a key of the top-level object
                field = token[: token.rindex(b'"') + 1].decode("utf-8", "replace")[1:-1]
            continue
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                return f"body/{field}" if field is not None else "body"
        else:
            depth -= 1
    return None
