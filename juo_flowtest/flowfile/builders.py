"""What every step kind's parser shares: the file's problems, its variables, the ``expect``
builder, and the two value shapes several kinds read (request headers and durations).

Durations are ``10s``, ``250ms``, ``1.5s``, ``2m``, ``1h``, ``1d`` or a number of seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from juo_flowtest.base.diagnostics import kind
from juo_flowtest.base.position import Position
from juo_flowtest.flowfile.expectations import ExpectBuilder
from juo_flowtest.flowfile.model import Headers
from juo_flowtest.flowfile.variables import Variables
from juo_flowtest.source.fields import Reader, as_mapping
from juo_flowtest.source.problems import Problems

_DURATION = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
#: Printable ASCII and tabs: what an HTTP header value may hold (a placeholder's value is
#: checked when it is sent).
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")
NO_HEADERS = Headers()


def parse_duration(raw: Any) -> float | None:
    """Seconds for ``10s``/``250ms``/``1.5s``/``2m``/``1h``/``1d``/a number; None otherwise."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    if isinstance(raw, str):
        m = _DURATION.fullmatch(raw.strip())
        if m:
            return float(m.group(1)) * _UNIT[m.group(2)]
    return None


@dataclass(slots=True)
class Builders:
    """The parse context of one flow document, handed to each kind's ``parse``."""

    problems: Problems
    variables: Variables
    expects: ExpectBuilder

    def headers(self, raw: Any, at: Position, what: str = "headers") -> Headers:
        """A ``headers:`` mapping: names checked, scalars as text, ``null`` removes."""
        node = as_mapping(self.problems, raw, at, what)
        if node is None:
            return NO_HEADERS
        values: list[tuple[str, Any]] = []
        for name, value in node.items():
            if not _HEADER_NAME.fullmatch(name):
                self.problems.add(node.key_position(name), f"'{name}' is not a valid header name",
                                  "a header name is ASCII letters, digits and !#$%&'*+.^_`|~-")
            if isinstance(value, (dict, list)):
                self.problems.add(node.value_position(name), f"header '{name}': expected a string "
                                  f"(or null to remove it), got {kind(value)}")
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, (int, float)):
                value = str(value)
            elif isinstance(value, str) and not _HEADER_VALUE.fullmatch(value):
                self._bad_header_value(name, value, node.value_position(name))
                continue
            values.append((name, self.variables.value(value, node.value_position(name))))
        return Headers(tuple(values))

    def _bad_header_value(self, name: str, value: str, at: Position) -> None:
        bad = next(c for c in value if not _HEADER_VALUE.fullmatch(c))
        what = (f"the character {bad!r}, which is not ASCII" if ord(bad) > 0x7E
                else f"a control character ({bad!r})")
        self.problems.add(at, f"header '{name}' holds {what}: HTTP header values carry "
                          "printable ASCII only",
                          "send the text in the body, or percent-encode it")

    def optional_headers(self, r: Reader) -> Headers:
        """The ``headers`` key of the mapping ``r`` reads, if written."""
        return self.headers(r.node["headers"], r.at("headers")) if r.has("headers") else NO_HEADERS

    def duration(self, r: Reader, key: str, default: float) -> float | None:
        """A positive duration in seconds, ``default`` when absent, None (reported) when bad."""
        if not r.has(key):
            return default
        seconds = parse_duration(r.get(key))
        if seconds is None or seconds <= 0:
            value = r.get(key)
            shown = repr(value) if isinstance(value, (str, int, float)) else kind(value)
            self.problems.add(r.at(key), f"bad duration {shown} for '{key}'",
                              "write 10s, 250ms, 1.5s, 2m, 1h or a positive number of seconds")
            return None
        return seconds
