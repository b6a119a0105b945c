"""Definition files checked against Juo's Admin schema, as warnings at ``path:line:col``.

The sandbox runs more than Juo accepts (a ``timeout`` transition without ``targetStepId``, its
abandonment extension; an id that is not a uuid): such a file is fine for the sandbox, but
would be refused by Juo, so ``lint`` flags it and ``run --juo-draft`` never pushes it to a real
target.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from juo_flowtest.base.diagnostics import Diagnostic
from juo_flowtest.base.position import Position
from juo_flowtest.source import yamlsource
from juo_flowtest.source.problems import Problems
from juo_flowtest.target.adminschema import definition_issues

_BODY_KEYS = ("id", "name", "description", "triggerType", "trigger", "steps", "metadata")


def juo_schema_warnings(path: Path, definition: Mapping[str, Any]) -> list[Diagnostic]:
    """Warnings for what Juo's Admin schema would refuse in ``path`` (a loaded definition)."""
    body = {k: definition[k] for k in _BODY_KEYS if k in definition}
    issues = definition_issues(body)
    if not issues:
        return []
    text = path.read_text(encoding="utf-8")
    documents = yamlsource.parse(text, str(path)).documents
    root = documents[0][0] if documents else None
    found = Problems(str(path), text)
    for where, message in issues:
        found.add(_position(root, where), f"not accepted by Juo: {message}",
                  "the sandbox runs it; juo-flowtest never pushes it to a real target",
                  severity="warning")
    return found.diagnostics()


def _position(root: Any, where: tuple[str | int, ...]) -> Position | None:
    """The position of the value at ``where`` (or of the deepest part of it that exists)."""
    node, found = root, yamlsource.position(root)
    for part in where:
        try:
            child = node[part]
        except (KeyError, IndexError, TypeError):
            break
        found = yamlsource.child_position(node, part) or found
        node = child
    return found
