"""Reading JSON fast, with the stdlib's answers: orjson where it reads exactly as ``json`` does.

orjson parses a 2.8 KB run state ~5-10x faster than ``json.loads``, and returns the same
values, except where it refuses the text (``NaN``, ``Infinity``, lone surrogates, UTF-16 or 32
text: then ``json.loads`` reads it, and its verdict stands) or reads an integer beyond 64 bits
as a float (so text with a run of 19 digits or more, found by one C-speed scan, is read by
``json.loads`` too).

>>> read(b'{"a": [1, 2.5, "x"]}')
({'a': [1, 2.5, 'x']}, False)
>>> read(b'{"big": 123456789012345678901234567890}')
({'big': 123456789012345678901234567890}, True)
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19  # 19 digits: past them, orjson reads an integer as a float


def read(raw: bytes, *, strict: bool = False) -> tuple[Any, bool]:
    """The JSON value of ``raw`` and whether ``json`` had to read it; raises ``ValueError``.

    ``strict``: ``NaN`` and ``Infinity`` (which ``json`` accepts and JSON has not) are refused
    too, as orjson refuses them. Very deep nesting raises ``RecursionError`` from ``json``.
    """
    if _LONG_NUMBER not in raw.translate(_DIGITS):
        try:
            return orjson.loads(raw), False
        except orjson.JSONDecodeError:
            pass
    if strict:
        return json.loads(raw, parse_constant=_refuse), True
    return json.loads(raw), True


def _refuse(word: str) -> Any:
    raise ValueError(f"{word} is not JSON")
