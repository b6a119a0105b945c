"""``Call``: one customer API request as its handler reads it (headers, body, the path's run id).

The handlers (``customerapi``) need no web framework: ``front`` builds a ``Call`` straight from
the ASGI scope, and the Starlette routes behind it (``app``) from their ``Request``. Headers
read as Starlette's ``request.headers.get`` reads them: names lower-case (as the server gives
them), the first of repeated headers wins, values decoded as latin-1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from starlette.requests import Request

from juo_flowtest.sandbox.store import Owner


class Call:
    """A request: ``header(name)``, ``body`` (bytes, read whole) and ``run_id`` ("" if none)."""

    __slots__ = ("body", "headers", "run_id")

    def __init__(self, headers: Sequence[tuple[bytes, bytes]], body: bytes,
                 run_id: str = "") -> None:
        #: The raw values by name (read them with ``header``).
        self.headers = dict(headers)
        if len(self.headers) != len(headers):  # a repeated name: the first one counts
            self.headers = dict(reversed(headers))
        self.body = body
        self.run_id = run_id

    def header(self, name: bytes) -> str | None:
        """The value of header ``name`` (lower-case bytes), or None."""
        value = self.headers.get(name)
        return None if value is None else value.decode("latin-1")

    @classmethod
    async def of(cls, request: Request) -> Call:
        """The call a Starlette request makes (reads the body)."""
        return cls(request.scope["headers"], await request.body(),
                   str(request.path_params.get("run_id", "")))


#: What answers a call, given its owner (tenant, customer): the encoded run state, or
#: ``RunError``.
Handler = Callable[[Call, Owner], bytes]
