"""One workflow definition file: its text, the problems found in it, and its one document.

The YAML (and JSON: a JSON document is YAML 1.2) is read by ``juo_flowtest.yamlsource``, the
package's one reader with source positions, so definition files follow the same strict rules
as flow files: mappings are ``PosDict``s and sequences ``PosList``s that know where each key and
item was written; ``yes``/``no``/``on``/``off`` and dates stay strings; a duplicate key is a
problem at its second occurrence. This module only turns what it reports into ``Diagnostic``s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from juo_flowtest import yamlsource
from juo_flowtest.errors import Diagnostic
from juo_flowtest.model import Position


class SourceFile:
    """One definition file: its path, its lines (for diagnostics) and the problems found."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = str(path)
        self.problems: list[Diagnostic] = []
        unreadable = None
        try:
            self.text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.text, unreadable = "", exc.reason
        self.lines = self.text.splitlines()
        if unreadable is not None:
            self.problem(None, f"not UTF-8 text: {unreadable}", "save the file as UTF-8")

    def problem(self, at: Position | None, message: str, hint: str | None = None) -> None:
        """Record a problem at ``at`` (the top of the file when the place is unknown)."""
        position = at or Position(self.name, 1, 1)
        lines = self.lines
        source = lines[position.line - 1] if 0 < position.line <= len(lines) else ""
        self.problems.append(Diagnostic(position, message, source, hint))

    def parse(self) -> Any:
        """The document's data (``None`` for an empty file), or ``None`` after recording why.

        Duplicate keys and unsupported tags are recorded but the data is still returned, so
        the definition's other problems are reported in the same run.
        """
        try:
            with yamlsource.paused_gc():
                source = yamlsource.parse(self.text, self.name)
        except RecursionError:  # absurd nesting: say so instead of a traceback
            self.problem(None, "the file is nested too deeply to be a workflow definition")
            return None
        for found in source.problems:
            self.problem(found.position, found.message, found.hint)
        if len(source.documents) > 1:
            self.problem(source.documents[1][1], "a second YAML document in a workflow file",
                         "put each workflow definition in its own file")
            return None
        return source.documents[0][0] if source.documents else None
