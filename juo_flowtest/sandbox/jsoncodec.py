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
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from juo_flowtest.base import jsonread

_stdlib_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


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
        return _stdlib_encode(value).encode("utf-8")


#: The process's codec: request bodies, run states and error bodies of every sandbox app.
CODEC = JsonCodec()
