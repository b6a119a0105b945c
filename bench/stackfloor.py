"""The floor of the sandbox's HTTP stack: a bare ASGI app on the same server configuration.

    python bench/stackfloor.py --port 0     # prints "serving on http://127.0.0.1:PORT/..."

uvicorn with httptools and uvloop (as ``juo-flowtest sandbox`` runs), no Starlette and no
engine: it reads the request body and answers every request with the same run state, one the
size of the sandbox's (the example cancellation workflow, ~3 KB), encoded once. What a
request costs this server is what any app on this stack pays before doing anything;
``bench/sandbox_bench.py`` measures it beside the sandbox.
"""

from __future__ import annotations

import argparse
import socket
import sys
from typing import Any

import orjson
import uvicorn

_PENDING = {"interactionId": "3f1c9a4e-8d2b-4c7e-9f10-5b6a7c8d9e0f", "stepId": "reason_poll",
            "actionType": "poll", "actionBehavior": "input",
            "actionConfig": {"question": "Why do you want to cancel?"},
            "availableResponses": [{"type": t, "label": t.title()} for t in
                                   ("price", "not_using", "volume", "other")],
            "presentedAt": "2026-11-30T04:00:00.000Z"}
STATE = orjson.dumps({
    "workflowId": "969c549c-1f5f-57b8-ab4e-daaba1f2cb7d", "workflowVersion": 1,
    "runId": "0d5e3f62-1b7a-4c3e-8a90-7e6f5d4c3b2a", "runVersion": 3,
    "status": "waiting_interaction", "pendingInteraction": _PENDING,
    "interactiveSteps": [dict(_PENDING, stepId=f"step_{i}") for i in range(12)],
    "result": {"visitedSteps": ["value_reminder", "reason_poll"], "transitions": []},
})
_HEADERS = [(b"content-type", b"application/json"),
            (b"content-length", str(len(STATE)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": STATE})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    port = parser.parse_args(argv).port
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)  # before the URL is printed: early clients queue, not fail
    print(f"serving on http://127.0.0.1:{sock.getsockname()[1]}/customer/v1", flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off",
                                           access_log=False, proxy_headers=False))
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
