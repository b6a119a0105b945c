"""The Admin API's lists (Part C): the list envelope, cursors, and the query parameters.

Every list answers ``{resource: "list", data, hasNextPage, hasPrevPage, startCursor,
endCursor}``; ``limit`` (1-100, default 20) sizes a page, ``after`` / ``before`` take a cursor
this API gave (``endCursor`` / ``startCursor``), ``sort`` is ``field:asc|desc``. A cursor is
opaque to callers: it encodes the sort field, the item's sort value and its creation order, so
it stays valid when items are added or removed between pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")
Key = tuple[Any, int]  # (sort value, creation order)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class QueryError(Exception):
    """A query parameter the API cannot use; the message names it (``querystring/limit``)."""


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What a list call asked for."""

    field: str
    descending: bool
    limit: int
    after: Key | None
    before: Key | None


def page_request(query: Mapping[str, str], fields: Sequence[str], default_sort: str) -> PageRequest:
    """``limit``, ``after``, ``before`` and ``sort`` read and checked (``QueryError``)."""
    raw_limit = query.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        if not raw_limit.strip().isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
            raise QueryError(f"querystring/limit must be an integer from 1 to {MAX_LIMIT}")
        limit = int(raw_limit)
    sort = query.get("sort", default_sort)
    field, _, direction = sort.partition(":")
    if field not in fields or direction not in ("asc", "desc"):
        choices = ", ".join(f"{f}:asc, {f}:desc" for f in fields)
        raise QueryError(f"querystring/sort must be one of {choices}")
    after, before = query.get("after"), query.get("before")
    if after is not None and before is not None:
        raise QueryError("querystring/after and querystring/before cannot be used together")
    return PageRequest(field, direction == "desc", limit,
                       _decode("after", after, field) if after is not None else None,
                       _decode("before", before, field) if before is not None else None)


def flag(query: Mapping[str, str], name: str, default: bool = False) -> bool:
    """A boolean query parameter: ``true`` or ``false``."""
    value = query.get(name)
    if value is None:
        return default
    if value not in ("true", "false"):
        raise QueryError(f"querystring/{name} must be true or false")
    return value == "true"


def choice(query: Mapping[str, str], name: str, choices: Sequence[str]) -> str | None:
    """An enum query parameter, or ``None`` when absent."""
    value = query.get(name)
    if value is not None and value not in choices:
        raise QueryError(f"querystring/{name} must be one of {', '.join(choices)}")
    return value


def envelope(items: Sequence[T], request: PageRequest, key: Callable[[T, str], Key],
             render: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    """One page of ``items`` in the list envelope, ordered by ``request``'s sort."""
    ordered = sorted(items, key=lambda item: key(item, request.field),
                     reverse=request.descending)
    keys = [key(item, request.field) for item in ordered]

    def precedes(a: Key, b: Key) -> bool:  # a comes before b in this order
        return a > b if request.descending else a < b

    if request.before is not None:
        end = next((i for i, k in enumerate(keys) if not precedes(k, request.before)), len(keys))
        start = max(0, end - request.limit)
    else:
        start = 0 if request.after is None else next(
            (i for i, k in enumerate(keys) if precedes(request.after, k)), len(keys))
        end = min(len(keys), start + request.limit)
    page = ordered[start:end]
    return {
        "resource": "list",
        "data": [render(item) for item in page],
        "hasNextPage": end < len(ordered),
        "hasPrevPage": start > 0,
        "startCursor": _encode(request.field, keys[start]) if page else None,
        "endCursor": _encode(request.field, keys[end - 1]) if page else None,
    }


def _encode(field: str, key: Key) -> str:
    raw = json.dumps([field, key[0], key[1]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(name: str, cursor: str, field: str) -> Key:
    problem = QueryError(f"querystring/{name} is not a cursor of this list "
                         "(use startCursor or endCursor from a page sorted the same way)")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (ValueError, binascii.Error, RecursionError):
        raise problem from None
    if (not isinstance(data, list) or len(data) != 3 or data[0] != field
            or not isinstance(data[2], int) or not isinstance(data[1], (str, int, float))):
        raise problem
    return (data[1], data[2])
