"""A hostile imitation of the Juo customer API, written with the standard library only.

Independent of the sandbox on purpose: it shares no code with ``juo_flowtest`` so a bug in our
own server cannot hide a bug in our client. The behaviour is chosen by the first path segment:
``http://127.0.0.1:PORT/<mode>/customer/v1/workflows/...``; a flow runs against a mode with
``--juo-base-url <server>/<mode>/customer/v1``.

Every mode answers ``start`` / ``respond`` / ``get`` with documented run states until its one
misbehaviour (``MODES`` says what each does). The mode ``auto`` takes the mode from the start
call's ``flowType`` and keeps it for that run, so one run of many flows meets every mode. The server counts the requests that arrived with a
credential (``X-Delegated-Token`` / ``Authorization``) on the redirect target, so a test can
prove credentials never follow a redirect.
"""

from __future__ import annotations

import functools
import json
import secrets
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WORKFLOW = "wf-hostile"
#: The run state a well-behaved target would answer with (Part A of the contract).
PENDING = {"interactionId": "int-1", "stepId": "ask", "actionType": "poll",
           "actionBehavior": "input", "actionConfig": {"question": "why?"},
           "availableResponses": [{"type": "accept", "label": "Accept"}],
           "presentedAt": "2024-01-01T00:00:00Z"}

MODES: dict[str, str] = {
    "ok": "a well-behaved target",
    "auto": "the mode named by the start call's flowType, for that run",
    "echo-header": "the token echoed in response headers (X-Echo, Set-Cookie, WWW-Authenticate)",
    "echo-body": "the token echoed in the body: a field, a key, a nested list",
    "echo-error": "HTTP 401 whose error message quotes the token",
    "echo-text": "a 200 whose body is text quoting the token (not JSON)",
    "echo-runid": "the run's id is the token, so every later URL carries it",
    "redirect-301": "respond and get answer 301 to the thief path",
    "redirect-307": "every call answers 307 to the thief path",
    "foreign-run": "get and respond answer a run state of another run",
    "endless": "get answers a chunked body that never ends",
    "trickle": "get answers one byte per second (Content-Length set)",
    "slow-headers": "get sends its headers one byte per second",
    "hang": "get never answers",
    "huge": "get answers a 50 MB body (Content-Length set)",
    "huge-chunked": "get answers a 50 MB chunked body",
    "gzip-bomb": "get answers 32 KB of gzip that inflates to 32 MB",
    "garbage-json": "get answers invalid JSON with a JSON content type",
    "deep-json": "get answers JSON nested 100,000 levels",
    "nan-json": "get answers JSON with NaN and Infinity",
    "huge-int": "get answers a runVersion of 5,000 digits",
    "drop": "get closes the connection without answering",
    "half-body": "get promises 1,000 bytes and sends 10, then closes",
    "bad-status": "get answers a status line that is not HTTP",
    "many-headers": "get answers 2,000 headers",
    "redirect-token": "start answers 302 to the thief path with the token in the Location",
    "start-hang": "start never answers",
    "start-trickle": "start answers one byte per second",
    "reason-token": "get answers 503 whose reason phrase is the token and whose error body "
                    "spells it out in \\u escapes",
    "escaped-echo": "get answers a run state spelling the token out in \\u escapes",
    "huge-header": "get answers a header of 1 MB",
    "empty-200": "get answers 200 with no body",
    "chunk-garbage": "get answers a chunked body whose chunk size is not hexadecimal",
    "throttled": "get answers 429 with Retry-After: 3600",
    "big-state": "get answers a valid run state of 9 MB (under the body limit)",
}


@dataclass
class Hostile:
    """The running server: its base URL and what it saw."""

    url: str
    server: ThreadingHTTPServer
    thief_hits: list[dict[str, str]] = field(default_factory=list)
    runs: dict[str, str] = field(default_factory=dict)  # run id -> mode, for ``auto``
    #: How ``/admin/...`` (the Admin API a run reads production traffic from) misbehaves.
    admin_mode: str = "drop"

    def base(self, mode: str) -> str:
        assert mode in MODES, mode
        return f"{self.url}/{mode}/customer/v1"


def _state(run_id: str, version: int, status: str = "waiting_interaction") -> dict[str, Any]:
    state: dict[str, Any] = {"workflowId": WORKFLOW, "workflowVersion": 1, "runId": run_id,
                             "runVersion": version, "status": status}
    if status == "waiting_interaction":
        state["pendingInteraction"] = PENDING
        state["interactiveSteps"] = [{"stepId": "ask", "actionType": "poll",
                                      "availableResponses": [{"type": "accept",
                                                              "label": "Accept"}]}]
    return state


@functools.cache
def _bomb() -> bytes:
    """~32 KB of gzip inflating to 32 MB of zeros (made once, when the server starts)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(b"\0" * (32 * 1024 * 1024)) + compressor.flush()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else every answer stalls ~40 ms (delayed ACK)
    hostile: Hostile

    def log_message(self, format: str, *args: Any) -> None:
        return None

    # ----- plumbing -----

    def _token(self) -> str:
        auth = self.headers.get("Authorization", "")
        return self.headers.get("X-Delegated-Token") or auth.split(" ", 1)[-1]

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
              ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), headers)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            self._body = json.loads(self.rfile.read(length)) if length else None
        except ValueError:
            self._body = None
        self._route("POST")

    def _route(self, method: str) -> None:
        self._pending_mode: str | None = None  # one handler serves a keep-alive connection
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        mode = parts[0]
        if mode == "thief":
            seen = {k.lower(): v for k, v in self.headers.items()}
            self.hostile.thief_hits.append(seen)
            self._json(200, {"stolen": sorted(seen)})
            return
        rest = parts[3:]  # after <mode>/customer/v1
        if mode == "admin":  # /admin/v1/...: every call a GET of the chosen misbehaviour
            mode, method, rest = self.hostile.admin_mode, "GET", parts[2:]
        if mode == "auto":
            mode = self._auto(method, rest)
        try:
            getattr(self, "_" + mode.replace("-", "_"))(method, rest)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _auto(self, method: str, rest: list[str]) -> str:
        runs = self.hostile.runs
        if rest == ["workflows", "start"]:
            flow_type = (self._body or {}).get("flowType") if method == "POST" else None
            mode = flow_type if flow_type in MODES else "ok"
            self._pending_mode = mode
            return mode
        return runs.get(self._run_id(rest), "ok")

    def _remember(self, run_id: str) -> str:
        if self._pending_mode is not None:
            self.hostile.runs[run_id] = self._pending_mode
        return run_id

    # ----- the well-behaved part -----

    def _run_id(self, rest: list[str]) -> str:
        return rest[1] if len(rest) > 1 else "r-unknown"

    def _ok(self, method: str, rest: list[str], run_id: str | None = None,
            headers: dict[str, str] | None = None) -> None:
        if rest == ["workflows", "start"]:
            new_id = self._remember(run_id or f"run-{secrets.token_hex(4)}")
            self._json(200, _state(new_id, 1), headers)
        elif method == "POST":
            self._json(200, _state(self._run_id(rest), 2, "completed"), headers)
        else:
            self._json(200, _state(self._run_id(rest), 1), headers)

    # ----- echoes -----

    def _echo_header(self, method: str, rest: list[str]) -> None:
        token = self._token()
        self._ok(method, rest, headers={"X-Echo": f"you sent {token}",
                                        "Set-Cookie": f"session={token}; HttpOnly",
                                        "WWW-Authenticate": f'Bearer realm="{token}"',
                                        f"X-{token}": "name"})

    def _echo_body(self, method: str, rest: list[str]) -> None:
        token = self._token()
        state = _state(self._run_id(rest) if rest[-1] != "start"
                       else self._remember(f"run-echo-{secrets.token_hex(4)}"), 1)
        state["echo"] = {"message": f"your token is {token}", token: [token, {"t": token}],
                         "escaped": json.dumps(token)}
        self._json(200, state)

    def _echo_error(self, method: str, rest: list[str]) -> None:
        self._json(401, {"code": "unauthorized",
                         "message": f"token {self._token()} is not valid for this tenant"})

    def _echo_text(self, method: str, rest: list[str]) -> None:
        self._send(200, f"<html>Hello {self._token()}</html>".encode(), ctype="text/html")

    def _echo_runid(self, method: str, rest: list[str]) -> None:
        self._ok(method, rest, run_id=self._token())

    # ----- contract holes -----

    def _redirect(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Location", f"{self.hostile.url}/thief/customer/v1/steal")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _redirect_301(self, method: str, rest: list[str]) -> None:
        if rest == ["workflows", "start"]:
            self._ok(method, rest)
        else:
            self._redirect(301)

    def _redirect_307(self, method: str, rest: list[str]) -> None:
        self._redirect(307)

    def _foreign_run(self, method: str, rest: list[str]) -> None:
        if rest == ["workflows", "start"]:
            self._ok(method, rest)
        else:
            self._json(200, _state("run-of-someone-else", 5))

    # ----- bodies that never end, or are too big -----

    def _start_or(self, method: str, rest: list[str]) -> bool:
        """Answer start (and respond) well; True when the caller should misbehave (get)."""
        if method == "POST":
            self._ok(method, rest)
            return False
        return True

    def _endless(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"[" * 1000
            frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                self.wfile.write(frame)
                time.sleep(0.001)

    def _trickle(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self._trickled(self._run_id(rest))

    def _trickled(self, run_id: str) -> None:
        """A run state whose first 120 bytes come one a second (the rest never)."""
        body = json.dumps(_state(run_id, 1)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for byte in body[:120]:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(1.0)

    def _slow_headers(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 200:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1.0)

    def _hang(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            time.sleep(120)

    def _huge(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            size = 50 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            block = b'{"a":"' + b"x" * (1024 * 1024 - 8) + b'"}'
            for _ in range(50):
                self.wfile.write(block)

    def _huge_chunked(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = b"x" * (1024 * 1024)
            frame = f"{len(block):x}\r\n".encode() + block + b"\r\n"
            for _ in range(50):
                self.wfile.write(frame)
            self.wfile.write(b"0\r\n\r\n")

    def _gzip_bomb(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self._send(200, _bomb(), {"Content-Encoding": "gzip"})

    # ----- broken answers -----

    def _garbage_json(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self._send(200, b'{"runId": "r", "status": ')

    def _deep_json(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self._send(200, b"[" * 100_000 + b"]" * 100_000)

    def _nan_json(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            text = json.dumps(_state(self._run_id(rest), 1))
            self._send(200, text.replace('"runVersion": 1', '"runVersion": NaN, "x": -Infinity')
                       .encode())

    def _huge_int(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            text = json.dumps(_state(self._run_id(rest), 1))
            self._send(200, text.replace('"runVersion": 1', '"runVersion": ' + "9" * 5000)
                       .encode())

    def _drop(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

    def _half_body(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"runId": "')
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

    def _bad_status(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self.wfile.write(b"SMTP 220 hello there\r\n\r\n")
            self.close_connection = True

    def _many_headers(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self.send_response(200)
            for i in range(2000):
                self.send_header(f"X-H{i}", "v" * 20)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")


    # ----- more: the start call itself, escapes, framing -----

    def _redirect_token(self, method: str, rest: list[str]) -> None:
        self.send_response(302)
        self.send_header("Location", f"{self.hostile.url}/thief/customer/v1/steal?t="
                                     f"{self._token()}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _start_hang(self, method: str, rest: list[str]) -> None:
        time.sleep(120)

    def _start_trickle(self, method: str, rest: list[str]) -> None:
        self._trickled("run-trickled")

    def _reason_token(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            spelled = "".join(f"\\u{ord(c):04x}" for c in self._token())
            body = f'{{"code": "unavailable", "message": "no {spelled} today"}}'.encode()
            self.send_response(503, self._token())
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def _escaped_echo(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            spelled = "".join(f"\\u{ord(c):04x}" for c in self._token())
            text = json.dumps(_state(self._run_id(rest), 1))
            self._send(200, (text[:-1] + f', "note": "{spelled}"}}').encode())

    def _huge_header(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self.send_response(200)
            self.send_header("X-Big", "v" * (1024 * 1024))
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    def _empty_200(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self._send(200, b"")

    def _chunk_garbage(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"zz\r\n{}\r\n0\r\n\r\n")
            self.close_connection = True

    def _big_state(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            state = _state(self._run_id(rest), 1)
            state["note"] = "n" * (9 * 1024 * 1024)
            self._json(200, state)

    def _throttled(self, method: str, rest: list[str]) -> None:
        if self._start_or(method, rest):
            self._json(429, {"code": "rate_limited", "message": "slow down"},
                       {"Retry-After": "3600"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a client hanging up on a hostile answer is the point, not an error


@contextmanager
def serving() -> Iterator[Hostile]:
    """The hostile server on a free port, until the block ends."""
    _bomb()
    server = _Server(("127.0.0.1", 0), _Handler)
    hostile = Hostile(f"http://127.0.0.1:{server.server_address[1]}", server)
    _Handler.hostile = hostile
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hostile
    finally:
        server.shutdown()
        server.server_close()

