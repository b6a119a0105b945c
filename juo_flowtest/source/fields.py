"""Reading the keys of one YAML mapping with type checks that report instead of raising.

Each accessor returns the value when it has the right type, or ``None`` after reporting
"expected X, got Y" at the value's position; the caller carries on with what it has.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from juo_flowtest.base.diagnostics import did_you_mean, kind
from juo_flowtest.base.position import Position
from juo_flowtest.source.problems import Problems
from juo_flowtest.source.yamlsource import PosDict, PosList

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def as_mapping(problems: Problems, raw: Any, at: Position | None, what: str) -> PosDict | None:
    """``raw`` when it is a mapping; else report ``what`` expected a mapping."""
    if isinstance(raw, PosDict):
        return raw
    problems.add(at, f"{what}: expected a mapping, got {kind(raw)}")
    return None


class Reader:
    """Typed access to the keys of one mapping; ``what`` names it in messages ('a step')."""

    def __init__(self, problems: Problems, node: PosDict, what: str) -> None:
        self.problems = problems
        self.node = node
        self.what = what

    def keys(self, allowed: Sequence[str], required: Sequence[str] = (),
             aliases: Mapping[str, tuple[str, str]] | None = None) -> None:
        """Report unknown keys (with a suggestion) and missing required ones.

        ``aliases``: names people write for an allowed key (``statusCode`` for ``http``) ->
        (that key, why), so the suggestion is the right key, not the closest spelling.
        """
        for key in self.node:
            if key in allowed:
                continue
            meant = (aliases or {}).get(key)
            if meant is not None:
                self.problems.add(self.key_at(key), f"unknown key '{key}' in {self.what} — "
                                  f"did you mean '{meant[0]}'?", meant[1])
                continue
            self.problems.add(self.key_at(key), f"unknown key '{key}' in {self.what}"
                              f"{did_you_mean(key, allowed)}",
                              "allowed keys: " + ", ".join(allowed))
        for key in required:
            if key not in self.node:
                self.problems.add(self.node.pos, f"{self.what} needs the key '{key}'")

    def has(self, key: str) -> bool:
        return key in self.node

    def get(self, key: str, default: Any = None) -> Any:
        return self.node.get(key, default)

    def at(self, key: str) -> Position:
        """Where the value of ``key`` is written (the mapping's position if absent)."""
        node = self.node
        return node.value_position(key) if key in node.marks else node.pos

    def key_at(self, key: str) -> Position:
        node = self.node
        return node.key_position(key) if key in node.marks else node.pos

    def wrong(self, key: str, expected: str) -> None:
        self.problems.add(self.at(key), f"'{key}' in {self.what}: expected {expected}, got "
                          f"{kind(self.node[key])}")

    def text(self, key: str, nonempty: bool = False) -> str | None:
        value = self.node.get(key)
        if key not in self.node:
            return None
        if not isinstance(value, str):
            self.wrong(key, "a string")
            return None
        if nonempty and not value.strip():
            self.problems.add(self.at(key), f"'{key}' in {self.what} must not be empty")
            return None
        return value

    def mapping(self, key: str) -> PosDict | None:
        value = self.node.get(key)
        if key not in self.node:
            return None
        if not isinstance(value, PosDict):
            self.wrong(key, "a mapping")
            return None
        return value

    def sequence(self, key: str) -> PosList | None:
        value = self.node.get(key)
        if key not in self.node:
            return None
        if not isinstance(value, PosList):
            self.wrong(key, "a list")
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.node.get(key)
        if key not in self.node:
            return None
        if not isinstance(value, bool):
            self.wrong(key, "true or false")
            return None
        return value

    def identifiers(self, key: str) -> tuple[str, ...]:
        """A list of identifiers (``[A-Za-z_][A-Za-z0-9_]*``), e.g. tags usable as markers."""
        items = self.sequence(key)
        if items is None:
            return ()
        out = []
        for index, item in enumerate(items):
            if isinstance(item, str) and IDENTIFIER.fullmatch(item):
                out.append(item)
            else:
                shown = f"'{item}'" if isinstance(item, str) else kind(item)
                self.problems.add(items.item_position(index), f"'{key}' in {self.what}: {shown} is "
                                  "not an identifier",
                                  "use letters, digits and '_' (not first a digit), e.g. "
                                  "smoke_test: they become pytest markers")
        return tuple(out)
