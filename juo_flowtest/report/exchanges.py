"""The text of HTTP exchanges in the report: one call, a flow's calls in order, a failure's call.

Three places show an exchange, and every body goes through ``body_text`` (scrubbed, compact
or indented) — the one place where a body becomes report text:

- ``http_attachment``: one call as Allure 3's HTTP exchange view
  (``application/vnd.allure.http+json``: method and URL, status, time, request and response
  panels with their bodies and headers). A flow that did not pass has one on each call's step.
- ``CallLog``: every call of a flow, in order, as plain text ("Requests and responses", one
  attachment per flow). After the first call, what did not change since the previous call is
  left out and named on a line of its own: the response body's unchanged members (the run's
  ``interactiveSteps`` is the same in almost every call), the headers sent or received again
  unchanged. A body is written one member per line, compact within.
- ``call_alone``: one call on its own, for a failure's details.

Run states are written with what a reader looks for first (``status``, ``outcome``,
``pendingInteraction``, ``result``, ``error``) and the long ``interactiveSteps`` last.

Why not one attachment per call for every flow: Allure 3 adds ~0.9 KB of its own data to the
single-file report per attachment, and a suite of 1,000 flows of 10 responds makes 11,000 calls.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any

from juo_flowtest.base.redaction import (
    REDACTED,
    is_sensitive,
    may_need_scrub,
    scrub,
    scrub_json,
    scrub_text,
)
from juo_flowtest.report.truncation import truncated
from juo_flowtest.target.client import Exchange

#: Allure 3's own view for one HTTP exchange.
HTTP_TYPE = "application/vnd.allure.http+json"
#: Members of a run state a reader looks for first, in this order; ``LAST`` goes last.
FIRST = ("status", "outcome", "pendingInteraction", "result", "error")
LAST = ("interactiveSteps",)
#: Headers that differ on every call by nature: the log does not repeat them.
VOLATILE_HEADERS = frozenset({"content-length", "date"})
#: Parts of a body this short are always written out, even when shown before.
_SHORT = 40
SAME_URL = "(same URL as before)"
#: The log's first line; docs/reports.md ("Requests and responses") explains each note.
LOG_HEAD = ("Every call of this flow, in order. What did not change since the previous call, "
            "or was written out before, is named (\"… unchanged\", \"… as in\") instead of "
            "repeated.\n")

_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def ordered(body: Any) -> Any:
    """A run state with ``FIRST`` members first and ``LAST`` last; anything else as it is."""
    if type(body) is not dict or "status" not in body:
        return body
    head = {key: body[key] for key in FIRST if key in body}
    tail = {key: body[key] for key in LAST if key in body}
    middle = {key: value for key, value in body.items() if key not in head and key not in tail}
    return {**head, **middle, **tail}


def body_text(value: Any, secrets: tuple[str, ...], *, indent: bool = False) -> str:
    """A body (or a part of one) as scrubbed JSON: compact, or indented for a whole body."""
    if indent:
        return scrub_json(value, secrets)
    text = _compact(value)
    return _compact(scrub(value, secrets)) if may_need_scrub(text, secrets) else text


def _status_line(exchange: Exchange) -> str:
    answer = str(exchange.status) if exchange.status is not None else "no response"
    return f"{answer} in {exchange.elapsed_ms:.1f} ms"


# ----- one call: Allure 3's HTTP exchange view -------------------------------------------------


def _header(name: str, value: str, secrets: tuple[str, ...]) -> tuple[str, str]:
    """A header as the report shows it: a sensitive one's value is never shown."""
    shown = REDACTED if is_sensitive(name) else scrub_text(value, secrets)
    return scrub_text(name, secrets), shown


def _pairs(headers: Mapping[str, str], secrets: tuple[str, ...]) -> list[dict[str, str]]:
    return [dict(zip(("name", "value"), _header(name, value, secrets), strict=True))
            for name, value in headers.items()]


def _http_body(value: Any, secrets: tuple[str, ...]) -> dict[str, str] | None:
    """A body for the HTTP view, bounded (``truncation``): no report file grows with an answer."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"contentType": "text/plain", "value": truncated(scrub_text(value, secrets))}
    text = body_text(ordered(value), secrets, indent=True)
    short = truncated(text)
    return {"contentType": "application/json" if short is text else "text/plain", "value": short}


def http_attachment(exchange: Exchange, secrets: tuple[str, ...],
                    error: tuple[str, str] | None = None) -> str:
    """One call for Allure 3's HTTP view; ``error``: (what, why) when the call did not pass."""
    request: dict[str, Any] = {"method": exchange.method,
                               "url": scrub_text(exchange.url, secrets),
                               "headers": _pairs(exchange.request_headers, secrets)}
    body = _http_body(exchange.request_body, secrets)
    if body is not None:
        request["body"] = body
    data: dict[str, Any] = {"request": request}
    if exchange.status is not None:
        response: dict[str, Any] = {"status": str(exchange.status),
                                    "headers": _pairs(exchange.response_headers, secrets)}
        body = _http_body(exchange.response_body, secrets)
        if body is not None:
            response["body"] = body
        data["response"] = response
    # The view prints stop - start as the call's time, in whole milliseconds.
    data["start"], data["stop"] = 0, round(exchange.elapsed_ms)
    if error is not None:
        data["error"] = {"name": error[0], "message": scrub_text(error[1], secrets)}
    return _compact(data)


# ----- a flow's calls: the log ------------------------------------------------------------------


def _header_lines(headers: Mapping[str, str], previous: Mapping[str, str] | None,
                  secrets: tuple[str, ...]) -> list[str]:
    """``name: value`` lines: all for the first call, then only those that changed."""
    if previous is None:
        return ["  {}: {}".format(*_header(k, v, secrets)) for k, v in headers.items()]
    lines = ["  {}: {}".format(*_header(k, v, secrets)) for k, v in headers.items()
             if k.lower() not in VOLATILE_HEADERS and previous.get(k) != v]
    gone = [k for k in previous if k not in headers and k.lower() not in VOLATILE_HEADERS]
    if gone:
        lines.append(f"  (no longer: {scrub_text(', '.join(gone), secrets)})")
    return lines


class Commons:
    """What every flow of a run shares, kept once per pytest process: each workflow version's
    ``interactiveSteps``. The report writes each one once, as a global attachment named
    ``common_name(key)``; a log refers to it instead of repeating it in every flow.

    ``names``: workflow id -> name, when known (the sandbox's), for the attachment's name.
    """

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self._names = dict(names or {})
        self._steps: dict[str, str] = {}  # workflow key -> its interactiveSteps, compact
        #: (key, interactiveSteps) seen for the first time, for the report to write.
        self.new: list[tuple[str, Any]] = []

    def common_name(self, key: str) -> str:
        """``interactiveSteps of Cancellation flow (969c549c-…@1)``, or of the key alone."""
        name = self._names.get(key.rsplit("@", 1)[0])
        return f"interactiveSteps of {name} ({key})" if name else f"interactiveSteps of {key}"

    def name_for(self, body: dict[str, Any]) -> str | None:
        """The common copy's name when ``body``'s interactiveSteps are it (first one kept)."""
        steps = body.get("interactiveSteps")
        if type(steps) is not list:
            return None
        key = f"{body.get('workflowId')}@{body.get('workflowVersion')}"
        text = _compact(steps)
        known = self._steps.setdefault(key, text)
        if known is text:
            self.new.append((key, steps))
        return self.common_name(key) if known == text else None


class CallLog:
    """Every call of one flow, in order, written short (see the module and ``LOG_HEAD``).

    ``commons``: the run's shared parts; without it, a flow's log is complete on its own.
    """

    def __init__(self, secrets: tuple[str, ...], commons: Commons | None = None) -> None:
        self._secrets = secrets
        self._commons = commons
        self._parts: list[str] = []
        self._sent: Mapping[str, str] | None = None
        self._received: Mapping[str, str] | None = None
        self._url = ""
        self._body: Any = None
        #: Text of a part already written out whole -> where ("call 3").
        self._shown: dict[str, str] = {}
        self._same = ""  # the members the previous call left out as unchanged
        self._keys: dict[str, str] = {}  # a member's name -> as shown (``_key``)

    def add(self, title: str, exchange: Exchange | None) -> str:
        """Log one call (``title``: what it did); return the text it adds."""
        text = self._text(len(self._parts) + 1, title, exchange)
        self._parts.append(text)
        if exchange is not None:
            self._sent, self._url = exchange.request_headers, exchange.url
            if exchange.status is not None:
                self._received, self._body = exchange.response_headers, exchange.response_body
        return text

    def _text(self, number: int, title: str, exchange: Exchange | None) -> str:
        secrets = self._secrets
        lines = [f"── {number} {scrub_text(title, secrets)}"]
        if exchange is None:
            lines.append("  no request was sent")
            return "\n".join(lines)
        url = SAME_URL if exchange.url == self._url else scrub_text(exchange.url, secrets)
        lines.append(f"{exchange.method} {url}")
        lines += _header_lines(exchange.request_headers, self._sent, secrets)
        if exchange.request_body is not None:
            lines.append(f"  body {self._value(exchange.request_body)}")
        lines.append(f"← {_status_line(exchange)}")
        if exchange.status is not None:
            lines += _header_lines(exchange.response_headers, self._received, secrets)
            lines += self._response_body(exchange.response_body, f"call {number}")
        return "\n".join(lines)

    def _value(self, value: Any) -> str:
        return _plain(value, self._secrets)

    def _response_body(self, body: Any, here: str) -> list[str]:
        """One member per line, without what the module docstring says is left out.

        Each member is checked for anything to hide on its own (``may_need_scrub`` of its
        key and text, then ``scrub`` of that member only): the same text as scrubbing the
        whole body, without encoding the whole body on every call. A member equal to the
        previous call's is named unchanged (equal before scrubbing is equal after).
        """
        if body is None:
            return []
        if type(body) is not dict or not body:
            return [f"  body {self._value(body)}"]
        previous = self._body if type(self._body) is dict else {}
        common = None
        if self._commons is not None and body.get("interactiveSteps") != previous.get(
                "interactiveSteps"):  # else left out as unchanged: no need to look it up
            common = self._commons.name_for(body)
        if common is not None:
            self._remember_steps(body["interactiveSteps"], "interactiveSteps")
        lines, same = ["  body {"], []
        for key, value in ordered(body).items():
            if key != "status" and key in previous and previous[key] == value:
                same.append(self._key(str(key)))
                continue
            if key == "interactiveSteps" and common is not None:
                name, text = self._key(key), f'"… {len(value)} steps: global attachment {common}"'
            else:
                name, text = self._member(str(key), value, previous.get(key), here)
            lines.append(f"    {encode_basestring(name)}: {text}")
        if same:
            named = ", ".join(same)
            lines.append(f"    … unchanged: {'as before' if named == self._same else named}")
        self._same = ", ".join(same)
        lines.append("  }")
        return lines

    def _key(self, key: str) -> str:
        """A member's name as shown (scrubbed when it could hold something to hide); the
        same few names come back in every call, so each is looked at once."""
        shown = self._keys.get(key)
        if shown is None:
            shown = self._keys[key] = (scrub_text(key, self._secrets) if may_need_scrub(
                encode_basestring(key), self._secrets) else key)
        return shown

    def _member(self, key: str, value: Any, previous: Any, here: str) -> tuple[str, str]:
        """A member's shown name and text (``_part``), scrubbed as ``scrub`` would in the
        whole body: a sensitive key's value is redacted, secrets and credentials hidden."""
        text = _compact(value)
        secrets = self._secrets
        if may_need_scrub(f"{encode_basestring(key)}:{text}", secrets):
            [(shown, value)] = scrub({key: value}, secrets).items()
            [previous] = scrub({key: previous}, secrets).values()  # by the same, unscrubbed key
            return shown, self._part(value, previous, here)
        return key, self._part(value, previous, here, text)

    def _remember_steps(self, steps: list[Any], where: str) -> None:
        for step in steps:
            if type(step) is dict:
                for value in step.values():
                    text = _compact(value)
                    if len(text) > _SHORT:
                        self._shown.setdefault(text, where)

    def _part(self, value: Any, previous: Any, here: str, text: str | None = None) -> str:
        """``value`` compact (``text``, when the caller has it); a part written out before
        becomes a note, and so does the start of a list that only grew since the previous
        call."""
        items: list[tuple[Any, str]] | None = None
        if type(value) is dict and all(type(k) is str for k in value):
            # Each member's text once: the whole is made of them, as json writes it.
            items = [(key, _compact(item)) for key, item in value.items()]
            text = "{" + ",".join(f"{encode_basestring(k)}:{t}" for k, t in items) + "}"
        elif text is None:
            text = _compact(value)
        where = self._shown.get(text) if len(text) > _SHORT else None
        if where is not None:
            return f'"… as in {where}"'
        if len(text) > _SHORT:
            self._shown[text] = here
        if type(value) is not dict:
            return text
        if items is None:
            items = [(key, _compact(item)) for key, item in value.items()]
        old = previous if type(previous) is dict else {}
        parts = []
        for key, item_text in items:
            where = self._shown.get(item_text) if len(item_text) > _SHORT else None
            if where is not None:
                item_text = f'"… as in {where}"'
            else:
                if len(item_text) > _SHORT:
                    self._shown[item_text] = here
                item_text = _grown(value[key], old.get(key)) or item_text
            parts.append(f"{encode_basestring(str(key))}:{item_text}")
        return "{" + ",".join(parts) + "}"

    def __len__(self) -> int:
        return len(self._parts)

    def text(self) -> str:
        """The whole log."""
        return LOG_HEAD + "\n" + "\n\n".join(self._parts) + "\n"


def call_alone(number: int, title: str, exchange: Exchange | None,
               secrets: tuple[str, ...]) -> str:
    """One call on its own, for a failure's details: the URL and both bodies (a response body
    one member per line), no headers, and a run state's ``interactiveSteps`` only counted (the
    step's "Request and response" has them, and the headers)."""
    lines = [f"── {number} {scrub_text(title, secrets)}"]
    if exchange is None:
        return "\n".join([*lines, "  no request was sent"])
    lines.append(f"{exchange.method} {scrub_text(exchange.url, secrets)}")
    if exchange.request_body is not None:
        lines.append(f"  body {_plain(exchange.request_body, secrets)}")
    lines.append(f"← {_status_line(exchange)}")
    body = exchange.response_body
    if exchange.status is None or body is None:
        return "\n".join(lines)
    if type(body) is not dict or not body:
        return "\n".join([*lines, f"  body {_plain(body, secrets)}"])
    if may_need_scrub(_compact(body), secrets):
        body = scrub(body, secrets)
    lines.append("  body {")
    for key, value in ordered(body).items():
        text = _compact(value)
        if key in LAST and type(value) is list:
            text = f'"… {len(value)} steps (in Request and response)"'
        lines.append(f"    {encode_basestring(str(key))}: {text}")
    return "\n".join([*lines, "  }"])


def _plain(value: Any, secrets: tuple[str, ...]) -> str:
    return scrub_text(value, secrets) if isinstance(value, str) else body_text(value, secrets)


def _grown(value: Any, previous: Any) -> str | None:
    """``["… 5 as before","x"]`` for a list that only grew since the previous call."""
    if type(value) is not list or type(previous) is not list:
        return None
    if not previous or len(value) <= len(previous) or value[:len(previous)] != previous:
        return None
    head = encode_basestring(f"… {len(previous)} as before")
    return "[" + ",".join([head, *(_compact(item) for item in value[len(previous):])]) + "]"
