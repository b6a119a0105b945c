"""Where something was written: a file, a 1-based line and column.

Every node of a user's file (flow, workflow definition, policy, configuration) keeps one, so
every problem can be reported as ``path:line:col``.

>>> str(Position("flows/skip.flow.yaml", 12, 5))
'flows/skip.flow.yaml:12:5'
"""

from __future__ import annotations

from juo_flowtest.base.records import record


@record
class Position:
    """A place in a file: 1-based line and column."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"
