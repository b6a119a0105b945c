"""``Front``: the ASGI app the sandbox serves; the customer API's calls skip Starlette.

Starlette's stack (error and exception middleware, router, ``Request``, ``Response``) cost
~0.1 M instructions a call, a third of the sandbox's work per respond
(bench/README-sandbox.md). ``Front`` routes a call itself and answers the customer API
(``customerapi``) in plain ASGI, with the same bytes; everything else (the Admin API, the
OpenAPI document, 404 and 405 answers, ``HEAD``) goes to the Starlette app behind it.

It routes exactly as Starlette's router would: it walks the app's own routes in order with
their own compiled patterns, and takes a call only when the first route matching both path
and method is one of the customer API's. Otherwise, and under a ``root_path``, Starlette
decides. An unexpected error answers Starlette's plain 500 and is raised on to the server,
as Starlette does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from starlette.convertors import StringConvertor
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from juo_flowtest.sandbox.call import Call

#: Answers a call with its status and encoded JSON body (``customerapi.answer``).
Answer = Callable[[Call], tuple[int, bytes]]
_JSON_TYPE = (b"content-type", b"application/json")
#: What Starlette's ServerErrorMiddleware answers when a handler raises.
_ERROR_BODY = b"Internal Server Error"
_ERROR_HEADERS = [(b"content-length", str(len(_ERROR_BODY)).encode()),
                  (b"content-type", b"text/plain; charset=utf-8")]


class _Way:
    """One route as the router tries it; ``answer`` None for the routes Starlette serves."""

    __slots__ = ("answer", "methods", "pattern", "reads_body", "takes_run_id")

    def __init__(self, route: Route, answer: Answer | None, reads_body: bool) -> None:
        self.pattern: re.Pattern[str] = route.path_regex
        self.methods = route.methods
        self.takes_run_id = "run_id" in route.param_convertors
        self.answer, self.reads_body = answer, reads_body


#: A route of the app behind, and how ``Front`` answers it: (answer, reads the body), or
#: None where the app behind answers.
Routing = Sequence[tuple[BaseRoute, tuple[Answer, bool] | None]]


class Front:
    """``app`` behind a fast way in: ``routing`` is the app's routes, in order, each with its
    fast answer or None."""

    def __init__(self, app: ASGIApp, routing: Routing) -> None:
        self.app = app
        last = max((i for i, (_, fast) in enumerate(routing) if fast is not None), default=-1)
        ways: list[_Way] = []
        for route, fast in routing[: last + 1]:  # past the last fast route, Starlette routes
            if not isinstance(route, Route) or not all(
                    isinstance(c, StringConvertor) for c in route.param_convertors.values()):
                break  # a route we cannot mirror: from here on, Starlette routes
            ways.append(_Way(route, *(fast or (None, False))))
        self.ways = tuple(ways)
        # The ways a method's call tries, in order: a route taking other methods only can at
        # best match partially, and a later route may still match fully. A HEAD always goes
        # to Starlette (it answers a GET route's HEAD itself).
        methods = {m for way in ways if way.methods is not None for m in way.methods}
        self._by_method = {m: tuple(w for w in ways if w.methods is None or m in w.methods)
                           for m in methods - {"HEAD"}}
        self._by_method["HEAD"] = ()
        self._any_method = tuple(w for w in ways if w.methods is None)

    def find(self, method: str, path: str) -> tuple[_Way, str] | None:
        """The fast way answering ``method path``, and the path's run id; None where the app
        behind answers (the first route matching path and method is not a fast one)."""
        for way in self._by_method.get(method, self._any_method):
            found = way.pattern.match(path)
            if found is not None:
                if way.answer is None:
                    return None
                return way, found.group("run_id") if way.takes_run_id else ""
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        fast = (self.find(scope["method"], scope["path"])
                if scope["type"] == "http" and not scope.get("root_path") else None)
        if fast is None:
            await self.app(scope, receive, send)
            return
        way, run_id = fast
        assert way.answer is not None
        body = b""
        if way.reads_body:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return  # the client is gone: nobody to answer
                body += message.get("body", b"")
                if not message.get("more_body", False):
                    break
        try:
            status, content = way.answer(Call(scope["headers"], body, run_id))
        except Exception:
            await send({"type": "http.response.start", "status": 500, "headers": _ERROR_HEADERS})
            await send({"type": "http.response.body", "body": _ERROR_BODY})
            raise
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-length", str(len(content)).encode()), _JSON_TYPE]})
        await send({"type": "http.response.body", "body": content})
