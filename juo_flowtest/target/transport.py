"""One bounded, secret-safe HTTP exchange: what every API client of ours sends requests with.

``Transport.send(method, url, body=..., headers=...)`` never raises for HTTP trouble or for a
request that cannot be built; it returns a ``Reply``: the status, headers and parsed body, or
``failure``, one line saying what went wrong and what to check. Its promises:

- **Bounded.** Every response is streamed with a maximum body size (``max_body_bytes``,
  default 10 MB) and one deadline for the whole exchange (``timeout`` seconds: connecting,
  sending, the headers and every byte of the body, retries and their pauses included). A slow,
  trickling, endless or oversized answer ends as a ``failure`` within the deadline plus one
  scheduling slice, holding at most ``max_body_bytes`` in memory. Each socket operation waits
  at most the time left (``make_http_client`` installs the network backend that does that).
- **No redirects.** A 3xx is returned as it is and never followed, so credentials never go to
  another address; the caller decides what a 3xx means.
- **Secrets by construction.** Credentials are ``Secret`` values, revealed only when the request
  is built, inside ``send``. Anything the target echoes (the token in a header, the body, an
  error text) is hidden in the ``Reply``: ``headers``, ``body``, ``exchange`` and ``failure``
  never hold a known secret. A value sent in a sensitive header (``X-Delegated-Token``,
  ``Authorization``...) becomes a known secret of the ``SecretSet`` the transport shares with
  the reporters and the logging filter.
- **Retries** (``retries=N``, for idempotent calls only): a transport failure is retried with
  a short backoff, always inside the one deadline.

Example::

    http = make_http_client(10.0)
    transport = Transport(http, timeout=10.0, headers={"X-Tenant-ID": "t"},
                          credentials=[Credential("Authorization", Secret(token), "Bearer ")])
    reply = transport.send("GET", "https://api.example/v1/things/1", retries=2)
    reply.status, reply.body, reply.failure

The customer client (``target.client``) is built on it; the Admin API client (``target.admin``)
has its own bounded httpx calls.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

import httpx

from juo_flowtest.base import jsonread
from juo_flowtest.base.records import record
from juo_flowtest.base.redaction import hide_in, is_sensitive, redact_headers
from juo_flowtest.base.secrets import Secret, SecretSet
from juo_flowtest.base.version import __version__

if TYPE_CHECKING:  # imported when a client is built: httpcore imports anyio, a pytest plugin
    import httpcore

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
#: What a ``Reply`` keeps of a body over the limit, for the record (the rest is never read).
KEPT_OF_OVERSIZED = 64 * 1024
#: Deeper JSON than this is refused: no API answer nests so deep, and every later walk of it
#: (matching, scrubbing, writing reports) would recurse that deep.
MAX_JSON_DEPTH = 200
NO_BODY: Any = object()
_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")
_CACHE_SIZE = 256  # entries of each per-transport cache (URLs, header views)
_HTTPX_LOG = logging.getLogger("httpx")
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("juo_deadline",
                                                                         default=None)

Headers = Mapping[str, "str | Secret | None"]


@record
class Exchange:
    """One HTTP request and its response, already redacted (no secret is ever stored here)."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: Any
    status: int | None  # None when no response arrived
    response_headers: dict[str, str]
    response_body: Any  # parsed JSON, or the text when it was not JSON
    elapsed_ms: float


@record
class Credential:
    """A header carrying a secret, built only when a request is sent: ``header: prefix+secret``."""

    header: str
    secret: Secret
    prefix: str = ""


@record
class Reply:
    """One exchange's outcome. ``status`` None: no (usable) response, see ``failure``.

    ``headers`` has lower-cased names; ``body`` is the parsed JSON, the text when the body is
    not JSON (``is_json`` False), or None when empty. Known secrets are already hidden.
    ``failure`` is also set, with the status, when a response arrived but could not be taken
    whole (over the size limit, nested too deeply).
    """

    status: int | None
    headers: dict[str, str]
    body: Any
    is_json: bool
    elapsed_ms: float
    exchange: Exchange
    failure: str | None = None
    attempts: int = 1


class Transport:
    """Sends requests through ``http`` with fixed headers and credentials (see the module)."""

    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        *,
        timeout: float,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        headers: Mapping[str, str] | None = None,
        credentials: Iterable[Credential] = (),
        secrets: SecretSet | None = None,
        backoff_s: float = 0.1,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.max_body_bytes = int(max_body_bytes)
        self._headers = dict(headers or {})
        self._credentials = tuple(credentials)
        self.secrets = secrets if secrets is not None else SecretSet()
        for credential in self._credentials:
            self.secrets.add(credential.secret)
        self._backoff, self._sleep, self._clock = backoff_s, sleep, clock
        # httpx's own timeouts stay as a bound on each operation; the deadline is tighter.
        self._op_timeout = httpx.Timeout(self.timeout)
        self._urls: dict[str, httpx.URL] = {}
        self._shown_headers: dict[tuple[Any, ...], dict[str, str]] = {}

    def __repr__(self) -> str:
        return f"Transport({self.base_url!r}, timeout={self.timeout:g})"

    def hide(self, text: str) -> str:
        """``text`` with every known secret replaced by ``<redacted>``."""
        return self.secrets.hide(text)

    def send(self, method: str, path: str, *, body: Any = NO_BODY,
             headers: Headers | None = None, retries: int = 0) -> Reply:
        """Send ``method`` to ``base_url + path`` (``body`` as JSON, ``headers`` over the fixed
        ones, a None value removing one); retry a transport failure ``retries`` times."""
        url = self.base_url + path
        started = self._clock()
        deadline = started + self.timeout
        try:
            request, removed = self._request(method, url, body, headers)
        except Exception as exc:  # noqa: BLE001 - a request that cannot be built is an answer
            return self._unsent(method, url, exc)
        for name in removed:  # a null header also removes one the httpx client sets itself
            if name in request.headers:
                del request.headers[name]
        sent_headers = self._sent_headers(request.headers)
        sent_body = None if body is NO_BODY else body
        if sent_body is not None and self.secrets and _mentions(request.content, self.secrets):
            sent_body = hide_in(sent_body, self.secrets.values)
        attempt = 0
        while True:
            attempt += 1
            t0 = time.perf_counter()
            reset = _DEADLINE.set(deadline)
            try:
                status, raw_headers, content, failure = self._exchange(request, deadline)
            except Exception as exc:  # noqa: BLE001 - every transport error becomes a failure
                elapsed = (time.perf_counter() - t0) * 1000.0
                pause = self._backoff * (2 ** (attempt - 1))
                if attempt <= retries and self._clock() + pause < deadline:
                    self._sleep(pause)
                    continue
                reason = self.hide(self._explain(exc, method, url, attempt, deadline))
                exchange = Exchange(method, self.hide(url), sent_headers, sent_body, None, {},
                                    None, elapsed)
                return Reply(None, {}, None, False, elapsed, exchange, reason, attempt)
            finally:
                _DEADLINE.reset(reset)
            elapsed = (time.perf_counter() - t0) * 1000.0
            return self._reply(request, status, raw_headers, content, failure, elapsed, attempt,
                               sent_headers, sent_body)

    # ----- building --------------------------------------------------------------------------

    def _request(self, method: str, url: str, body: Any,
                 overrides: Headers | None) -> tuple[httpx.Request, tuple[str, ...]]:
        """The request with every header (credentials revealed here, and only here)."""
        merged: dict[str, tuple[str, str]] = {k.lower(): (k, v) for k, v in self._headers.items()}
        for credential in self._credentials:
            merged[credential.header.lower()] = (credential.header,
                                                 credential.prefix + credential.secret.reveal())
        removed: list[str] = []
        for name, value in (overrides or {}).items():
            if value is None:
                merged.pop(name.lower(), None)
                removed.append(name)
                continue
            text = value.reveal() if isinstance(value, Secret) else str(value)
            if is_sensitive(name):
                self.secrets.add(text.split(" ", 1)[1] if name.lower() == "authorization"
                                 and " " in text else text)
            merged[name.lower()] = (name, text)
        request = self._http.build_request(
            method, self._url(url), json=None if body is NO_BODY else body,
            headers=dict(merged.values()), timeout=self._op_timeout)
        return request, tuple(n for n in removed if n.lower() not in merged)

    def _url(self, url: str) -> httpx.URL:
        """``url`` parsed once: a flow calls the same few URLs (``/workflows/{runId}/respond``)
        again and again, and parsing one costs more than the rest of building the request."""
        parsed = self._urls.get(url)
        if parsed is None:
            if len(self._urls) >= _CACHE_SIZE:
                self._urls.clear()
            parsed = self._urls[url] = httpx.URL(url)
        return parsed

    def _sent_headers(self, headers: httpx.Headers) -> dict[str, str]:
        """The request's headers as the record shows them: sensitive ones redacted, a secret
        sent under a plain name (``X-Trace: ${env:TOKEN}``) hidden. Calls repeat the same
        headers, so the answer is kept by the raw headers and the secrets known then. The key
        leaves out the values of sensitive headers (shown redacted anyway), and a header set
        carrying a secret under a plain name is not kept: no credential outlives the exchange
        in the cache."""
        pairs = tuple((name, b"" if _sensitive_raw(name) else value)
                      for name, value in headers.raw)
        forms = self.secrets.byte_values
        key = (pairs, len(forms))
        shown = self._shown_headers.get(key)
        if shown is None:
            shown = redact_headers(_header_dict(headers))
            if self.secrets:
                shown = {k: self.hide(v) for k, v in shown.items()}
            plain = b"\n".join(value for _, value in pairs)
            if not any(form in plain for form in forms):
                if len(self._shown_headers) >= _CACHE_SIZE:
                    self._shown_headers.clear()
                self._shown_headers[key] = shown
        return dict(shown)

    def _unsent(self, method: str, url: str, exc: Exception) -> Reply:
        if isinstance(exc, httpx.InvalidURL):
            reason = f"invalid URL {url}: {exc} — check --juo-base-url"
        else:
            reason = f"the {method} request to {url} could not be built: {_why_unbuildable(exc)}"
        reason = self.hide(reason)
        exchange = Exchange(method, self.hide(url), {}, None, None, {}, None, 0.0)
        return Reply(None, {}, None, False, 0.0, exchange, reason)

    # ----- receiving -------------------------------------------------------------------------

    def _exchange(self, request: httpx.Request, deadline: float
                  ) -> tuple[int, httpx.Headers, bytes, str | None]:
        """Status, headers, the body (at most the limit) and why it was cut, if it was."""
        response = self._send(request)
        try:
            limit = self.max_body_bytes
            status, headers = response.status_code, response.headers
            length = headers.get("content-length")
            if length is not None and length.isdigit() and "content-encoding" not in headers:
                if int(length) <= limit:  # the usual small answer: one read, no chunk loop
                    return status, headers, response.read(), None
                return status, headers, b"", self._oversized(request, f"declares {int(length):,} bytes, more")
            chunks: list[bytes] = []
            size = 0
            if response.is_stream_consumed:  # a mock transport's answer: read, decoded already
                source: Iterable[bytes] = (response.content,)
                decode = _decoder(None)
            else:
                source = response.iter_raw()
                decode = _decoder(headers.get("content-encoding"))
            for raw in source:
                for chunk in decode(raw, limit - size + 1):
                    size += len(chunk)
                    if size > limit:
                        kept = b"".join(chunks)[:KEPT_OF_OVERSIZED]
                        return status, headers, kept, self._oversized(request, "sends more")
                    chunks.append(chunk)
                if self._clock() > deadline:  # a backend without deadlines (a mock, a proxy)
                    raise httpx.ReadTimeout("the whole-exchange deadline passed")
            return status, headers, b"".join(chunks), None
        finally:
            response.close()

    def _send(self, request: httpx.Request) -> httpx.Response:
        """``http.send(request, stream=True, follow_redirects=False)``, without the layers this
        client never uses (auth flows, redirect handling, event hooks, elapsed-time wrapping):
        the request goes straight to the client's transport (``_transport_for_url``: its
        mounts are honoured; httpx is pinned below 0.29). What the client does that matters is
        done here too: the cookies a target sets are kept for the next calls (a load
        balancer's sticky session), and httpx's INFO line is logged when INFO is on."""
        http = self._http
        if http.is_closed:
            raise RuntimeError("the HTTP client is closed")
        response = http._transport_for_url(request.url).handle_request(request)
        response.request = request
        if any(key.lower() == b"set-cookie" for key, _ in response.headers.raw):
            http.cookies.extract_cookies(response)
        if _HTTPX_LOG.isEnabledFor(logging.INFO):
            _HTTPX_LOG.info('HTTP Request: %s %s "%s %d %s"', request.method, request.url,
                            response.http_version, response.status_code, response.reason_phrase)
        return response

    def _oversized(self, request: httpx.Request, what: str) -> str:
        return (f"the response to {request.method} {request.url} {what} than the "
                f"{_size(self.max_body_bytes)} body limit allows (the rest was not read) — no "
                "answer of this API is that large; check the target, or raise the limit "
                "(--juo-max-body)")

    def _reply(self, request: httpx.Request, status: int, raw_headers: httpx.Headers,
               content: bytes, failure: str | None, elapsed: float, attempt: int,
               sent_headers: dict[str, str], sent_body: Any) -> Reply:
        headers = _header_dict(raw_headers)
        secrets = self.secrets
        if failure is not None:
            body, is_json = content[:KEPT_OF_OVERSIZED].decode("utf-8", "replace"), False
        else:
            body, is_json, failure = _parse(content, raw_headers, request)
        if secrets:
            if _mentions(content, secrets):
                body = hide_in(body, secrets.values)
            if _mentions_in_headers(raw_headers, secrets):
                headers = {secrets.hide(k): secrets.hide(v) for k, v in headers.items()}
            failure = secrets.hide(failure) if failure else failure
        url = str(request.url)
        exchange = Exchange(request.method, secrets.hide(url) if secrets else url, sent_headers,
                            sent_body, status, redact_headers(headers), body, elapsed)
        return Reply(status, headers, body, is_json, elapsed, exchange, failure, attempt)

    def _explain(self, exc: Exception, method: str, url: str, attempts: int,
                 deadline: float) -> str:
        """What happened, and what to check, in one line."""
        tries = f" (after {attempts} attempts)" if attempts > 1 else ""
        detail = " ".join((_ERRNO.sub("", str(exc)).strip() or type(exc).__name__).split())
        origin = self.base_url
        if isinstance(exc, httpx.ConnectTimeout):
            what = (f"target unreachable at {origin}: no connection within {self.timeout:g}s"
                    f"{tries} — is the environment up? check --juo-base-url")
        elif isinstance(exc, httpx.ConnectError):
            what = (f"target unreachable at {origin}: {detail[:1].lower()}{detail[1:]}{tries}"
                    " — is the environment up? check --juo-base-url")
        elif isinstance(exc, httpx.TimeoutException) or self._clock() >= deadline:
            what = (f"no complete response to {method} {url} within {self.timeout:g}s{tries}: "
                    "timed out (one deadline for the whole exchange) — the target is slow, "
                    "hung or sending its answer too slowly; check it, or raise the timeout")
        elif isinstance(exc, httpx.RemoteProtocolError) and "buffer too long" in detail:
            what = (f"the response to {method} {url} has headers larger than HTTP clients "
                    f"accept (over 64 KB){tries} — check the target")
        elif isinstance(exc, httpx.RemoteProtocolError) and "chunk" in detail:
            what = (f"the response to {method} {url} breaks HTTP's chunked framing: {detail}"
                    f"{tries} — check the target")
        elif isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
            what = (f"the connection was dropped during {method} {url}: {detail}{tries}"
                    " — check the target's logs")
        elif isinstance(exc, httpx.DecodingError):
            what = (f"the response to {method} {url} could not be decoded: {detail}{tries}"
                    " — check the target's Content-Encoding")
        else:
            what = f"{method} {url} failed: {type(exc).__name__}: {detail}{tries}"
        if method != "GET" and not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
            call = url.rsplit("/", 1)[-1]  # "respond", "start"...
            what += f"; the {call} call may or may not have been applied (not retried)"
        return what[:1000]


def make_http_client(timeout: float) -> httpx.Client:
    """One keep-alive client per session or worker (building one costs ~50 ms), whose every
    socket operation waits no longer than the current exchange's deadline."""
    limits = httpx.Limits(max_keepalive_connections=8, keepalive_expiry=30.0)
    # Constant headers live on the client: httpx merges per-request headers slowly (~3 us each).
    # Identity: a compressed answer could inflate past the body limit inside one read.
    return httpx.Client(
        headers={"Accept": "application/json", "Accept-Encoding": "identity",
                 "User-Agent": f"juo-flowtest/{__version__}"},
        timeout=httpx.Timeout(timeout),
        transport=DeadlineHTTPTransport(limits),
        follow_redirects=False,
    )


class DeadlineHTTPTransport(httpx.HTTPTransport):
    """httpx's transport over a network backend that bounds each socket operation by the
    deadline ``Transport.send`` sets: per-read timeouts alone never end a trickling body.

    httpx takes no network backend, so the connection pool (its one attribute, ``_pool``) is
    built here; tests/reliability pins the behaviour against a trickling server.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        import httpcore  # here, as httpx does: importing it imports anyio, a pytest plugin

        backend = cast("httpcore.NetworkBackend", _DeadlineBackend(httpcore.SyncBackend()))
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def _left(timeout: float | None) -> float | None:
    """``timeout`` or the time left before the deadline, whichever is shorter."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        import httpcore

        raise httpcore.ReadTimeout("the whole-exchange deadline passed")
    return left if timeout is None or left < timeout else timeout


class _DeadlineStream:
    """An ``httpcore.NetworkStream`` whose every operation waits at most the time left."""

    __slots__ = ("_stream",)

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> _DeadlineStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname,
                                                      _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend:
    """An ``httpcore.NetworkBackend`` handing out ``_DeadlineStream`` objects."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> _DeadlineStream:
        return _DeadlineStream(self._backend.connect_tcp(
            host, port, _left(timeout), local_address, socket_options))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> _DeadlineStream:
        return _DeadlineStream(self._backend.connect_unix_socket(path, _left(timeout),
                                                                 socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


# ----- helpers -------------------------------------------------------------------------------


def _decoder(encoding: str | None) -> Callable[[bytes, int], Iterator[bytes]]:
    """Decode a body chunk by chunk, never inflating one chunk past ``room`` bytes at a time:
    httpx's own decoders inflate each chunk whole, and 64 KB of gzip can hold 64 MB."""
    name = (encoding or "identity").strip().lower()
    if name in ("", "identity"):
        return lambda raw, room: iter((raw,))
    if name not in ("gzip", "x-gzip", "deflate"):
        raise httpx.DecodingError(f"unsupported Content-Encoding {encoding!r} (identity was "
                                  "asked for)")
    inflater = zlib.decompressobj(47)  # 32 + 15: a gzip or a zlib header, detected

    def decode(raw: bytes, room: int) -> Iterator[bytes]:
        try:
            data = inflater.decompress(raw, room)
            while data:
                yield data
                tail = inflater.unconsumed_tail
                data = inflater.decompress(tail, room) if tail else b""
        except zlib.error as exc:
            raise httpx.DecodingError(f"invalid {name} data: {exc}") from None

    return decode


def _why_unbuildable(exc: Exception) -> str:
    if isinstance(exc, UnicodeEncodeError):
        return ("a header holds a character that is not ASCII "
                f"({exc.object[exc.start:exc.end]!r}); HTTP headers carry ASCII only")
    if isinstance(exc, ValueError) and "JSON compliant" in str(exc):
        return "the body holds a number JSON cannot carry (infinite or not a number)"
    text = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _parse(content: bytes, headers: httpx.Headers,
           request: httpx.Request) -> tuple[Any, bool, str | None]:
    """Parse the body once: JSON when it is JSON, else its text (None when empty)."""
    if not content:
        return None, False, None
    try:
        value = jsonread.read(content, strict=True)[0]  # orjson's speed, json's answers
    except RecursionError:
        return _text(content, headers)[:KEPT_OF_OVERSIZED], False, _too_deep(request)
    except ValueError:
        return _text(content, headers), False, None
    # Opening brackets bound the depth: only a body with many of them needs the walk.
    if content.count(b"[") + content.count(b"{") > MAX_JSON_DEPTH and _depth(value) > MAX_JSON_DEPTH:
        return _text(content, headers)[:KEPT_OF_OVERSIZED], False, _too_deep(request)
    return value, True, None


def _too_deep(request: httpx.Request) -> str:
    return (f"the response to {request.method} {request.url} is JSON nested more than "
            f"{MAX_JSON_DEPTH} levels deep — no answer of this API is; check the target")


def _text(content: bytes, headers: httpx.Headers) -> str:
    charset = "utf-8"
    ctype = headers.get("content-type", "")
    if "charset=" in ctype:
        charset = ctype.split("charset=", 1)[1].split(";", 1)[0].strip().strip('"') or charset
    try:
        return content.decode(charset, "replace")
    except LookupError:
        return content.decode("utf-8", "replace")


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (iterative: the value may be deeper than the stack)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, level)
            if deepest > MAX_JSON_DEPTH:
                return deepest
            stack.extend((child, level + 1) for child in node)
    return deepest


def _mentions(content: bytes, secrets: SecretSet) -> bool:
    """Does raw ``content`` hold a known secret, in any of its encoded forms? A body with
    ``\\u00`` escapes might spell one out character by character: it is walked too."""
    # One byte first (memchr speed): most bodies hold no backslash at all.
    if b"\\" in content and b"\\u00" in content:
        return True
    return any(form in content for form in secrets.byte_values)


def _sensitive_raw(name: bytes) -> bool:
    return is_sensitive(name.decode("latin-1"))


def _mentions_in_headers(headers: httpx.Headers, secrets: SecretSet) -> bool:
    """Does any header name or value hold a known secret, in any of its forms?"""
    raw = b"\n".join(b"%s\n%s" % pair for pair in headers.raw)
    return any(form in raw for form in secrets.byte_values)


def _header_dict(headers: httpx.Headers) -> dict[str, str]:
    """Lower-cased names to values (repeats joined by ", "), like ``dict(headers.items())``.

    Written out because ``Headers.items()`` first decodes every header once more to pick an
    encoding, on each new request and response: measurably slower on the per-call path.
    """
    out: dict[str, str] = {}
    for key, value in headers.raw:
        name = key.decode("latin-1").lower()
        text = value.decode("utf-8", "replace")
        out[name] = f"{out[name]}, {text}" if name in out else text
    return out
