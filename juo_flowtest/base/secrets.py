"""Secret values that cannot be printed by accident.

A ``Secret`` holds a token (or any credential): its ``repr``, ``str`` and ``format`` all give
``<redacted>``, so a traceback, ``pytest -l/--showlocals``, a log line or an f-string never
shows it; only ``reveal()`` does, and only the transport calls it, when it sends a request.
Pickling one is refused: a pickle would carry the value into a file or another process.

``SecretValues`` is the tuple of known secret *texts* that scrubbing needs: a ``tuple`` of
``str`` (every ``Iterable[str]`` API takes it) whose ``repr`` hides them.

``SecretSet`` is a process's growing collection: the target's token from the start, then any
value the run sends in a sensitive header (``X-Delegated-Token: ${env:OTHER}``). Reporters and
the logging filter read it when they write, so they hide what the run learnt along the way.

>>> token = Secret("tok-1")
>>> token, f"{token}", token.reveal()
(Secret('<redacted>'), '<redacted>', 'tok-1')
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, NoReturn
from urllib.parse import quote

REDACTED = "<redacted>"


class Secret:
    """A value shown only by ``reveal()``; equal to another ``Secret`` of the same value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError("a Secret holds a str")
        self._value = value

    def reveal(self) -> str:
        """The value itself: for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    def __str__(self) -> str:
        return REDACTED

    def __format__(self, spec: str) -> str:
        return format(REDACTED, spec)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret is never pickled: it would carry its value out")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self


def reveal(value: str | Secret) -> str:
    """The text of a plain string or of a ``Secret``."""
    return value.reveal() if isinstance(value, Secret) else value


class SecretValues(tuple[str, ...]):
    """Known secret texts, as a tuple whose ``repr`` never shows them."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} secret value(s) {REDACTED}>"

    __str__ = __repr__


def as_values(secrets: Iterable[str]) -> SecretValues:
    """``secrets`` as ``SecretValues`` (itself when it already is: no copy on hot paths)."""
    return secrets if isinstance(secrets, SecretValues) else SecretValues(secrets)


def secret_values(values: Iterable[str | Secret | None]) -> SecretValues:
    """``values`` as texts, without empties or repeats, in a ``SecretValues``."""
    texts = (reveal(v) for v in values if v)
    return SecretValues(dict.fromkeys(t for t in texts if t))


def encoded_forms(secret: str) -> tuple[str, ...]:
    """``secret`` as written raw, JSON-escaped (``\\u00e9``, ``\\/``) and percent-encoded: the
    forms a target echoing it, or a URL or log line carrying it, may hold."""
    escaped = json.dumps(secret)[1:-1]
    forms = (secret, escaped, escaped.replace("/", "\\/"), quote(secret, safe=""),
             quote(secret, safe="/"))
    return tuple(f for f in dict.fromkeys(forms) if f)


class SecretSet:
    """The secrets one process knows, growing as the run sends more; ``repr`` hides them.

    ``values`` is what scrubbing takes: every secret in each of its ``encoded_forms``.
    """

    __slots__ = ("_bytes", "_forms", "_texts")

    def __init__(self, initial: Iterable[str | Secret | None] = ()) -> None:
        self._texts: dict[str, None] = {}
        self._forms = SecretValues()
        self._bytes: tuple[bytes, ...] = ()
        for value in initial:
            self.add(value)

    def add(self, value: str | Secret | None) -> None:
        """Remember ``value`` (ignored when empty or known)."""
        if not value:
            return
        text = reveal(value)
        if text and text not in self._texts:
            self._texts[text] = None
            forms = dict.fromkeys(self._forms)
            forms.update(dict.fromkeys(encoded_forms(text)))
            # Longest first: hiding a secret must not leave the tail of a longer form behind.
            self._forms = SecretValues(sorted(forms, key=len, reverse=True))
            self._bytes = tuple(form.encode() for form in self._forms)

    @property
    def values(self) -> SecretValues:
        return self._forms

    @property
    def byte_values(self) -> tuple[bytes, ...]:
        """``values`` encoded as UTF-8, to search raw bodies with."""
        return self._bytes

    def __iter__(self) -> Iterator[str]:
        return iter(self._forms)

    def __len__(self) -> int:
        return len(self._texts)

    def __bool__(self) -> bool:
        return bool(self._texts)

    def __repr__(self) -> str:
        return f"SecretSet(<{len(self._texts)} {REDACTED}>)"

    def hide(self, text: str) -> str:
        """``text`` with every known secret (in any of its forms) replaced by ``<redacted>``."""
        for secret in self._forms:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text
