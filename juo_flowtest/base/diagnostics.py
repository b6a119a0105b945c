"""How a problem in a user's file is told: where, what, the line, a caret, a hint.

One ``Diagnostic`` per problem; ``did_you_mean`` is the one spelling suggestion of the
package, and ``kind`` the one way a YAML value is named in messages.

>>> print(Diagnostic(Position("a.flow.yaml", 2, 3), "unknown key 'expct'", "  expct:",
...                  "did you mean 'expect'?").render())
a.flow.yaml:2:3: error: unknown key 'expct'
    expct:
    ^
  hint: did you mean 'expect'?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from juo_flowtest.base.position import Position


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a file: where, what, the offending source line and a hint."""

    position: Position
    message: str
    source_line: str = ""
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def render(self) -> str:
        """``path:line:col: error: message``, the source line, a caret under the column, the hint."""
        out = [f"{self.position}: {self.severity}: {self.message}"]
        if self.source_line:
            out.append(f"  {self.source_line}")
            out.append("  " + " " * max(self.position.column - 1, 0) + "^")
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)


def closest(word: str, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option spelled most like ``word``, or None when none is close."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(word: str, options: Iterable[str], cutoff: float = 0.6) -> str:
    """`` — did you mean 'expect'?`` for a close option, else an empty string."""
    close = closest(word, options, cutoff)
    return f" — did you mean '{close}'?" if close else ""


def kind(value: Any) -> str:
    """How a YAML value is named in messages: 'a mapping', 'a list', 'a string'..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
