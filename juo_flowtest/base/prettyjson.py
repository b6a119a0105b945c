"""Indented JSON text for people (report attachments), three times faster than the stdlib's.

``json.dumps(value, indent=2)`` falls back to the standard library's pure-Python encoder (any
``indent`` does), about 165 µs for a 3.5 KB run state. ``dumps`` writes the same text in about
50 µs: one recursive walk that leaves every string to the C ``encode_basestring``. Allure 3
shows a JSON attachment as it is written, so compact JSON would be one unreadable block.

The text equals ``json.dumps(value, indent=2, ensure_ascii=False, default=str)`` for data with
string keys. Other keys are written as ``str(key)`` (``True`` -> ``"True"``, as
``redaction.scrub`` names them), so a value and its scrubbed copy render alike.

>>> print(dumps({"a": [1, None], "b": {}}))
{
  "a": [
    1,
    null
  ],
  "b": {}
}
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring
from typing import Any

INDENT = "  "


def _scalar(value: Any) -> str:
    """A JSON scalar as the stdlib writes it; anything else as its ``str`` (``default=str``)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return float.__repr__(value)
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    return str(encode_basestring(str(value)))


def _write(value: Any, newline: str, out: list[str]) -> None:
    # Exact type checks first: this is the hot path; subclasses and other Mappings follow.
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict or (kind is not list and isinstance(value, Mapping)):
        if not value:
            out.append("{}")
            return
        inner = newline + INDENT
        separator = "{" + inner
        for key, item in value.items():
            out.append(separator)
            out.append(encode_basestring(key if type(key) is str else str(key)))
            out.append(": ")
            _write(item, inner, out)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list or isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = newline + INDENT
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _write(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    elif isinstance(value, str):
        out.append(encode_basestring(value))
    else:
        out.append(_scalar(value))


def dumps(value: Any, level: int = 0) -> str:
    """``value`` as indented JSON; ``level``: the nesting depth it will be placed at."""
    out: list[str] = []
    _write(value, "\n" + INDENT * level, out)
    return "".join(out)


def members(items: Iterable[tuple[str, str]], level: int = 0) -> str:
    """An object from already written member values (each written at ``level + 1``)."""
    newline = "\n" + INDENT * level
    inner = newline + INDENT
    body = ",".join(f"{inner}{encode_basestring(name)}: {text}" for name, text in items)
    return f"{{{body}{newline}}}" if body else "{}"
