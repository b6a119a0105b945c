"""Collecting every problem of one file as ``Diagnostic``s, with their source lines.

The one problem collector of the package: flow files (the loader), workflow definitions (the
sandbox's loader) and gate policies all report into a ``Problems``. A builder never stops at
the first problem: it reports and carries on with a best-effort value, so one error lists
everything wrong with a file at once.

>>> found = Problems("a.flow.yaml", "flow: x\\nexpct: {}\\n")
>>> found.add(Position("a.flow.yaml", 2, 1), "unknown key 'expct'", "did you mean 'expect'?")
>>> print(found.diagnostics()[0].render())
a.flow.yaml:2:1: error: unknown key 'expct'
  expct: {}
  ^
  hint: did you mean 'expect'?
"""

from __future__ import annotations

from juo_flowtest.base.diagnostics import Diagnostic
from juo_flowtest.base.position import Position


class Problems:
    """The diagnostics of one file, in source order, without duplicates.

    ``show_source=False`` keeps source lines out of the diagnostics: for files that may hold
    secrets (the sandbox's token configuration), where quoting a line could print a token.
    """

    def __init__(self, path: str, text: str, *, show_source: bool = True) -> None:
        self.path = path
        self.text = text
        self.show_source = show_source
        self._lines: list[str] | None = None  # split on the first problem: most files have none
        self._found: dict[tuple[int, int, str], Diagnostic] = {}

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines

    def make(self, at: Position | None, message: str, hint: str | None = None,
             severity: str = "error") -> Diagnostic:
        """A diagnostic at ``at`` (the top of the file when the place is unknown)."""
        position = at or Position(self.path, 1, 1)
        line = ""
        if self.show_source and 0 < position.line <= len(self.lines):
            line = self.lines[position.line - 1].rstrip()
        return Diagnostic(position, message, line, hint, severity)

    def add(self, at: Position | None, message: str, hint: str | None = None,
            severity: str = "error") -> None:
        """Record a problem (the same message at the same place is kept once)."""
        diagnostic = self.make(at, message, hint, severity)
        position = diagnostic.position
        self._found.setdefault((position.line, position.column, message), diagnostic)

    def __bool__(self) -> bool:
        return bool(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def diagnostics(self) -> list[Diagnostic]:
        """Every problem, in source order."""
        return [self._found[k] for k in sorted(self._found)]

    def errors(self) -> list[Diagnostic]:
        """The problems that are errors (not warnings), in source order."""
        return [d for d in self.diagnostics() if d.severity == "error"]
