"""Collecting every problem of one flow file as ``errors.Diagnostic``s, with source lines.

The loader never stops at the first problem: each builder reports into one ``Problems`` and
carries on with a best-effort value, so a file's ``FlowFileError`` lists everything at once.
"""

from __future__ import annotations

from juo_flowtest.base.diagnostics import Diagnostic
from juo_flowtest.base.position import Position


class Problems:
    """The diagnostics of one file, in source order, without duplicates."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._lines: list[str] | None = None  # split on the first problem: most files have none
        self._found: dict[tuple[int, int, str], Diagnostic] = {}

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def add(self, at: Position | None, message: str, hint: str | None = None) -> None:
        position = at or Position(self.path, 1, 1)
        lines = self.lines
        line = lines[position.line - 1] if 0 < position.line <= len(lines) else ""
        key = (position.line, position.column, message)
        self._found.setdefault(key, Diagnostic(position, message, line.rstrip(), hint))

    def __bool__(self) -> bool:
        return bool(self._found)

    def diagnostics(self) -> list[Diagnostic]:
        return [self._found[k] for k in sorted(self._found)]
