"""JSON in and out of the sandbox: orjson, and the stdlib wherever orjson would answer otherwise.

Encoding a run state with the stdlib's C encoder cost ~30-50 us a response, orjson ~3 us
(bench/README-sandbox.md). Both write the same compact UTF-8 text (``,``/``:`` separators, no
ASCII escaping, keys in order), except that a float in exponent form reads ``1e16`` rather
than ``1e+16`` (the same number to any JSON reader).

Where orjson refuses what the stdlib accepts, the stdlib is used, so no request is answered
differently: a body orjson would read otherwise (``NaN``, ``Infinity``, integers beyond 64 bits,
lone surrogates: ``base.jsonread``) is parsed by ``json.loads`` (and is a 400 only if that fails
too); such values can
then live in a run's context, so from that moment on the codec encodes with the stdlib too
(which writes ``NaN`` back where orjson would write ``null``). One codec serves the process
(``CODEC``): after such a body, every sandbox of the process answers at the stdlib's speed. A value orjson cannot encode
(an integer beyond 64 bits from a workflow definition, a key that is not a string) is encoded
by the stdlib, call by call.

Parts of a response that never change (a workflow's ``interactiveSteps``, a step's
``actionConfig``) can be encoded once: ``fragment`` gives them pre-encoded, and only where
orjson writes exactly the stdlib's text, so a body holding fragments reads the same whoever
encodes the rest. The stdlib cannot splice a fragment in, so such a body is always finished by
orjson (the parts around the fragments come from the same vetted definitions: ``definitions``).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from juo_flowtest.base import jsonread


class _HasFragment(Exception):
    """The stdlib met a pre-encoded part: the body is orjson's to write."""


def _no_default(value: Any) -> Any:
    if isinstance(value, orjson.Fragment):
        raise _HasFragment
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_stdlib_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"),
                                  default=_no_default).encode


def fragment(value: Any) -> orjson.Fragment | None:
    """``value`` encoded once, to put in a response as is; None where orjson would not write
    it exactly as the stdlib does (``NaN``, big integers, non-string keys, exponent floats)."""
    try:
        text = orjson.dumps(value)
    except TypeError:
        return None
    try:
        exact = text == _stdlib_encode(value).encode("utf-8")
    except (TypeError, ValueError, _HasFragment):
        return None
    return orjson.Fragment(text) if exact else None


class JsonCodec:
    """A JSON reader and writer (``exotic`` once a body needed the stdlib)."""

    __slots__ = ("exotic",)

    def __init__(self) -> None:
        self.exotic = False

    def loads(self, raw: bytes, *, strict: bool = False) -> Any:
        """Parse a request body; raises ``ValueError`` when it is not JSON at all (``strict``:
        ``NaN`` and ``Infinity`` too)."""
        return self.read(raw, strict=strict)[0]

    def read(self, raw: bytes, *, strict: bool = False) -> tuple[Any, bool]:
        """``loads``, and whether the stdlib read it (only then can a number be infinite)."""
        value, by_stdlib = jsonread.read(raw, strict=strict)  # ValueError as json says
        if by_stdlib:
            self.exotic = True
        return value, by_stdlib

    def dumps(self, value: Any) -> bytes:
        """Encode a response body."""
        if not self.exotic:
            try:
                return orjson.dumps(value)
            except TypeError:  # orjson.JSONEncodeError: big integers, non-string keys
                pass
        try:
            return _stdlib_encode(value).encode("utf-8")
        except _HasFragment:
            return orjson.dumps(value)


#: The process's codec: request bodies, run states and error bodies of every sandbox app.
CODEC = JsonCodec()
