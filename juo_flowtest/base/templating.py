"""``${...}`` placeholders in flow values: compiled once at load, rendered at run time.

Syntax (see ``docs/flow-format.md``):

- ``${name}`` is replaced by a variable. Names are dotted identifiers (``subscription``,
  ``run.id``, ``pending.stepId``) or ``env:NAME`` (an environment variable). Spaces just
  inside the braces are ignored: ``${ name }`` is ``${name}``.
- A string that is exactly one placeholder keeps the variable's type (``${version}`` -> 3);
  otherwise each placeholder is interpolated as text: strings as they are, numbers with
  ``str()``, and ``true``/``false``/``null``/objects/arrays as JSON (so ``"v=${flag}"`` gives
  ``"v=true"``, as a QA engineer writing JSON APIs expects, not Python's ``True``).
- ``$${`` is a literal ``${`` (the escape): ``"$${name}"`` renders as ``"${name}"``.
- Only values are templated, never mapping keys.

Example::

    >>> value = compile_value({"id": "${sub}", "note": "sub ${sub}"})
    >>> render(value, {"sub": 7}.__getitem__)
    {'id': 7, 'note': 'sub 7'}
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from juo_flowtest.base.records import record

#: Built-in variables the runner provides (read when a step's request is built).
BUILTINS: frozenset[str] = frozenset(
    {"run.id", "run.version", "pending.interactionId", "pending.stepId", "uuid"}
)

ENV_PREFIX = "env:"

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_ENV_NAME = re.compile(r"env:[A-Za-z_][A-Za-z0-9_]*")
# `$${` first so the escape wins over a placeholder starting at the second `$`.
_TOKEN = re.compile(r"\$\$\{|\$\{([^{}]*)\}|\$\{")


class UnknownVariable(LookupError):
    """Raised by a ``resolve`` callable for a name it does not know.

    A lookup signal between the runner's scope and ``render``, not a user-facing error tree
    member: the runner turns it into a broken step naming the variable.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)


class TemplateSyntaxError(ValueError):
    """A malformed placeholder; ``offset`` is the index of its ``$`` in the string."""

    def __init__(self, message: str, offset: int) -> None:
        self.message = message
        self.offset = offset
        super().__init__(message)


@record
class Ref:
    """One ``${name}`` inside a template."""

    name: str


@record
class Template:
    """A string with ``${...}`` parts: literal ``str`` pieces and ``Ref`` pieces, in order."""

    source: str
    parts: tuple[str | Ref, ...]

    @property
    def whole(self) -> str | None:
        """The variable name when the string is exactly one placeholder (keeps its type)."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Ref):
            return self.parts[0].name
        return None

    def names(self) -> list[str]:
        return [p.name for p in self.parts if isinstance(p, Ref)]

    def render(self, resolve: Callable[[str], Any]) -> Any:
        whole = self.whole
        if whole is not None:
            return resolve(whole)
        return "".join(p if isinstance(p, str) else _as_text(resolve(p.name)) for p in self.parts)

    def __str__(self) -> str:
        return self.source


#: JSON-like data in which strings with placeholders are ``Template`` objects.
Value = Any


def valid_name(name: str) -> bool:
    """True for a syntactically valid variable name (``a.b``, ``env:HOME``)."""
    return bool(_NAME.fullmatch(name) or _ENV_NAME.fullmatch(name))


def is_always_known(name: str) -> bool:
    """Built-ins and ``env:NAME`` are known at load time whatever the flow declares."""
    return name in BUILTINS or name.startswith(ENV_PREFIX)


def compile_string(text: str) -> str | Template:
    """``text`` itself when it has no ``${``; the unescaped text when it only has ``$${``;
    otherwise a ``Template``. Raises ``TemplateSyntaxError`` for a malformed placeholder."""
    if "${" not in text:
        return text
    parts: list[str | Ref] = []
    literal: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        literal.append(text[pos : m.start()])
        pos = m.end()
        token = m.group(0)
        if token == "$${":
            literal.append("${")
            continue
        if token == "${":
            raise TemplateSyntaxError("unclosed '${' (write '$${' for a literal '${')", m.start())
        name = (m.group(1) or "").strip()
        if not valid_name(name):
            raise TemplateSyntaxError(f"invalid variable name '{name}' in '{token}'", m.start())
        if any(literal):
            parts.append("".join(literal))
        literal = []
        parts.append(Ref(name))
    literal.append(text[pos:])
    tail = "".join(literal)
    if tail:
        parts.append(tail)
    if not any(isinstance(p, Ref) for p in parts):
        return tail
    return Template(text, tuple(parts))


def compile_value(raw: Any) -> Value:
    """Replace strings containing ``${`` by ``Template``s, recursively.

    Returns the same object when nothing changed, so plain data costs no copy.
    """
    if isinstance(raw, str):
        return compile_string(raw)
    if isinstance(raw, dict):
        items = {k: compile_value(v) for k, v in raw.items()}
        if all(items[k] is v for k, v in raw.items()):
            return raw
        return items
    if isinstance(raw, list):
        seq = [compile_value(v) for v in raw]
        if all(a is b for a, b in zip(seq, raw)):
            return raw
        return seq
    return raw


def render(value: Value, resolve: Callable[[str], Any]) -> Any:
    """Plain data from a ``Value``: each ``Template`` rendered through ``resolve``."""
    if isinstance(value, Template):
        return value.render(resolve)
    if isinstance(value, dict):
        return {k: render(v, resolve) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, resolve) for v in value]
    return value


def templates(value: Value) -> Iterator[Template]:
    """Every ``Template`` in a ``Value``, depth first."""
    if isinstance(value, Template):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from templates(v)
    elif isinstance(value, list):
        for v in value:
            yield from templates(v)


def names(value: Value) -> set[str]:
    """The variable names a ``Value`` references."""
    return {name for t in templates(value) for name in t.names()}


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, default=str)
