"""A flow's calls, in order, as one plain text ("Requests and responses", one attachment per flow).

After the first call, what did not change since the previous call is left out and named on a
line of its own: the response body's unchanged members (the run's ``interactiveSteps`` is the
same in almost every call), the headers sent or received again unchanged. A body is written
one member per line, compact within; a part written out before becomes a note saying where.

Every call of every flow passes through here when Allure is on, so the work per call is kept
small: each member is compared with the previous call's first (equal members are only named),
each changed member is encoded once (a dict member's text is made of its items' texts), and
what the members of one body could hold to hide is looked for once, in their joined texts
(``may_need_scrub``); only a body where that finds something is scrubbed, member by member.
"""

from __future__ import annotations

from collections.abc import Mapping
from json.encoder import encode_basestring
from typing import Any

from juo_flowtest.base.redaction import REDACTED, is_sensitive, may_need_scrub, scrub, scrub_text
from juo_flowtest.report.cleantexts import CLEAN
from juo_flowtest.report.exchanges import FIRST, LAST, compact, plain, status_line
from juo_flowtest.target.client import Exchange

#: Headers that differ on every call by nature: the log does not repeat them.
VOLATILE_HEADERS = frozenset({"content-length", "date"})
#: Parts of a body this short are always written out, even when shown before.
_SHORT = 40
SAME_URL = "(same URL as before)"
#: The log's first line; docs/reports.md ("Requests and responses") explains each note.
LOG_HEAD = ("Every call of this flow, in order. What did not change since the previous call, "
            "or was written out before, is named (\"… unchanged\", \"… as in\") instead of "
            "repeated.\n")
_STEPS = "interactiveSteps"
_ENDS = frozenset(FIRST + LAST)


def _header_line(name: str, value: str, secrets: tuple[str, ...]) -> str:
    """``  name: value`` as ``exchanges.header`` shows it (the same few come back each call)."""
    shown = REDACTED if is_sensitive(name) else CLEAN.scrub(value, secrets)
    return f"  {CLEAN.scrub(name, secrets)}: {shown}"


def _header_lines(headers: Mapping[str, str], previous: Mapping[str, str] | None,
                  secrets: tuple[str, ...]) -> list[str]:
    """``name: value`` lines: all for the first call, then only those that changed."""
    if previous is None:
        return [_header_line(k, v, secrets) for k, v in headers.items()]
    lines = [_header_line(k, v, secrets) for k, v in headers.items()
             if previous.get(k) != v and k.lower() not in VOLATILE_HEADERS]
    gone = [k for k in previous if k not in headers and k.lower() not in VOLATILE_HEADERS]
    if gone:
        lines.append(f"  (no longer: {scrub_text(', '.join(gone), secrets)})")
    return lines


def _keys(body: dict[Any, Any]) -> list[Any]:
    """The members of a body in the order ``exchanges.ordered`` writes them."""
    if "status" not in body:
        return list(body)
    return ([k for k in FIRST if k in body] + [k for k in body if k not in _ENDS]
            + [k for k in LAST if k in body])


class Commons:
    """What every flow of a run shares, kept once per pytest process: each workflow version's
    ``interactiveSteps``. The report writes each one once, as a global attachment named
    ``common_name(key)``; a log refers to it instead of repeating it in every flow.

    ``names``: workflow id -> name, when known (the sandbox's), for the attachment's name.
    """

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self._names = dict(names or {})
        self._steps: dict[str, str] = {}  # workflow key -> its interactiveSteps, compact
        self._parts: dict[str, list[str]] = {}  # workflow key -> its steps' long parts
        #: (key, interactiveSteps) seen for the first time, for the report to write.
        self.new: list[tuple[str, Any]] = []

    def common_name(self, key: str) -> str:
        """``interactiveSteps of Cancellation flow (969c549c-…@1)``, or of the key alone."""
        name = self._names.get(key.rsplit("@", 1)[0])
        return f"interactiveSteps of {name} ({key})" if name else f"interactiveSteps of {key}"

    def name_for(self, body: dict[str, Any]) -> str | None:
        """The common copy's name when ``body``'s interactiveSteps are it (first one kept)."""
        key = self._key(body)
        return self.common_name(key) if key is not None else None

    def _key(self, body: dict[str, Any]) -> str | None:
        steps = body.get(_STEPS)
        if type(steps) is not list:
            return None
        key = f"{body.get('workflowId')}@{body.get('workflowVersion')}"
        text = compact(steps)
        known = self._steps.setdefault(key, text)
        if known is text:
            self.new.append((key, steps))
            self._parts[key] = [part for step in steps if type(step) is dict
                                for part in map(compact, step.values()) if len(part) > _SHORT]
        return key if known == text else None

    def parts(self, body: dict[str, Any]) -> tuple[str, list[str]] | None:
        """``name_for`` and the long parts of the common copy's steps (each member of each
        step, compact, over 40 characters): a log names them "as in interactiveSteps"."""
        key = self._key(body)
        return None if key is None else (self.common_name(key), self._parts[key])


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
        self._names: dict[str, str] = {}  # a member's name -> as shown (``_name``)

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
        lines = [f"── {number} {CLEAN.scrub(title, secrets)}"]
        if exchange is None:
            lines.append("  no request was sent")
            return "\n".join(lines)
        url = SAME_URL if exchange.url == self._url else CLEAN.scrub(exchange.url, secrets)
        lines.append(f"{exchange.method} {url}")
        lines += _header_lines(exchange.request_headers, self._sent, secrets)
        if exchange.request_body is not None:
            lines.append(f"  body {plain(exchange.request_body, secrets)}")
        lines.append(f"← {status_line(exchange)}")
        if exchange.status is not None:
            lines += _header_lines(exchange.response_headers, self._received, secrets)
            lines += self._response_body(exchange.response_body, f"call {number}")
        return "\n".join(lines)

    def _response_body(self, body: Any, here: str) -> list[str]:
        """One member per line, without what the module docstring says is left out.

        The texts of the members that changed are checked for anything to hide together
        (``may_need_scrub`` of their joined names and texts); when that finds something, each
        is checked on its own and one that needs it is scrubbed (``scrub`` of that member
        only): the same text as scrubbing the whole body first. A member equal to the previous
        call's is named unchanged (equal before scrubbing is equal after).
        """
        if body is None:
            return []
        if type(body) is not dict or not body:
            return [f"  body {plain(body, self._secrets)}"]
        previous = self._body if type(self._body) is dict else {}
        steps_same = body.get(_STEPS) == previous.get(_STEPS)
        common = None
        if self._commons is not None and not steps_same:
            found = self._commons.parts(body)
            if found is not None:
                common, parts = found
                for part in parts:
                    self._shown.setdefault(part, _STEPS)
        # (key, its text, value, value's text, its items' texts): the members to write.
        changed: list[tuple[Any, str, Any, str, list[tuple[str, str]] | None]] = []
        same = []
        for key in _keys(body):
            value = body[key]
            if key != "status" and key in previous and (
                    steps_same if key == _STEPS else previous[key] == value):
                same.append(self._name(str(key)))
            elif key == _STEPS and common is not None:
                note = f'"… {len(value)} steps: global attachment {common}"'
                changed.append((key, key, value, note, None))
            else:
                changed.append((key, str(key), value, *_encoded(value)))
        lines = ["  body {"]
        texts = [f"{encode_basestring(name)}:{text}" for _, name, _, text, _ in changed]
        suspect = may_need_scrub("\n".join(texts), self._secrets)
        for (key, name, value, text, items), joined in zip(changed, texts, strict=True):
            if key == _STEPS and common is not None:
                name = self._name(name)
            elif suspect and may_need_scrub(joined, self._secrets):
                name, text = self._scrubbed(name, value, previous.get(key), here)
            else:
                text = self._part(value, previous.get(key), here, text, items)
            lines.append(f"    {encode_basestring(name)}: {text}")
        if same:
            named = ", ".join(same)
            lines.append(f"    … unchanged: {'as before' if named == self._same else named}")
        self._same = ", ".join(same)
        lines.append("  }")
        return lines

    def _name(self, key: str) -> str:
        """A member's name as shown (scrubbed when it could hold something to hide); the
        same few names come back in every call, so each is looked at once."""
        shown = self._names.get(key)
        if shown is None:
            shown = self._names[key] = (scrub_text(key, self._secrets) if may_need_scrub(
                encode_basestring(key), self._secrets) else key)
        return shown

    def _scrubbed(self, key: str, value: Any, previous: Any, here: str) -> tuple[str, str]:
        """A member that holds something to hide, scrubbed as ``scrub`` would in the whole
        body: a sensitive key's value is redacted, secrets and credentials hidden."""
        [(shown, value)] = scrub({key: value}, self._secrets).items()
        [previous] = scrub({key: previous}, self._secrets).values()  # by the same, raw key
        return shown, self._part(value, previous, here, *_encoded(value))

    def _part(self, value: Any, previous: Any, here: str, text: str,
              items: list[tuple[str, str]] | None) -> str:
        """``value``'s compact ``text`` (a dict's made of its ``items``: each member's text and
        its ``"key":text``); a part written out before becomes a note, and so does the start of
        a list that only grew since the previous call."""
        shown = self._shown
        if len(text) > _SHORT:
            where = shown.get(text)
            if where is not None:
                return f'"… as in {where}"'
            shown[text] = here
        if type(value) is not dict:
            return text
        if items is None:  # keys that are not text: named by their str, as ``scrub`` does
            items = [(t, f"{encode_basestring(str(k))}:{t}")
                     for k, t in zip(value, map(compact, value.values()), strict=True)]
        old = previous if type(previous) is dict else {}
        out = []
        for (key, item), (item_text, piece) in zip(value.items(), items, strict=True):
            if len(item_text) > _SHORT:
                where = shown.get(item_text)
                if where is not None:
                    out.append(f'{encode_basestring(str(key))}:"… as in {where}"')
                    continue
                shown[item_text] = here
            if type(item) is list:
                grown = _grown(item, old.get(key))
                if grown is not None:
                    out.append(f"{encode_basestring(str(key))}:{grown}")
                    continue
            out.append(piece)
        return "{" + ",".join(out) + "}"

    def __len__(self) -> int:
        return len(self._parts)

    def text(self) -> str:
        """The whole log."""
        return LOG_HEAD + "\n" + "\n\n".join(self._parts) + "\n"


def _encoded(value: Any) -> tuple[str, list[tuple[str, str]] | None]:
    """``value`` compact, and for a dict with text keys each member's text and its
    ``"key":text`` (the dict's text is made of them, as json writes it)."""
    if type(value) is dict:
        try:
            items = [(text, f"{encode_basestring(k)}:{text}")
                     for k, text in zip(value, map(compact, value.values()), strict=True)]
        except TypeError:  # a key that is not text: the text as json writes it
            return compact(value), None
        return "{" + ",".join([piece for _, piece in items]) + "}", items
    return compact(value), None


def _grown(value: list[Any], previous: Any) -> str | None:
    """``["… 5 as before","x"]`` for a list that only grew since the previous call."""
    if type(previous) is not list:
        return None
    if not previous or len(value) <= len(previous) or value[:len(previous)] != previous:
        return None
    head = encode_basestring(f"… {len(previous)} as before")
    return "[" + ",".join([head, *(compact(item) for item in value[len(previous):])]) + "]"
