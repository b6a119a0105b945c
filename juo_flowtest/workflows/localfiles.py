"""The workflow definitions of a folder, read as data (for ``diff``), by the sandbox's reader.

Only the YAML is read here (strict YAML 1.2, duplicate keys rejected, every problem at
``path:line:col``), not the sandbox's rules: a definition the sandbox could not run is still
compared with the target.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from juo_flowtest.base.diagnostics import Diagnostic
from juo_flowtest.base.position import Position
from juo_flowtest.sandbox.loading import definition_files
from juo_flowtest.sandbox.source import SourceFile

Definitions = dict[str, tuple[str, dict[str, Any]]]  # id -> (file name, document)


def read_definitions(folder: Path) -> tuple[Definitions, list[Diagnostic]]:
    """Every ``*.workflow.{yaml,yml,json}`` of ``folder`` by id, and the problems found."""
    found: Definitions = {}
    problems: list[Diagnostic] = []
    for path in definition_files(folder):
        src = SourceFile(path)
        data = src.parse()
        if src.problems:
            problems.extend(src.problems)
            continue
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            problems.append(Diagnostic(Position(str(path), 1, 1),
                                       "not a workflow definition (no string 'id')", "",
                                       "a workflow file is one mapping with id, name, steps..."))
            continue
        document: dict[str, Any] = json.loads(json.dumps(data))
        wid = document["id"]
        if wid in found:
            other = found[wid][1]
            if int(other.get("version", 0) or 0) >= int(document.get("version", 0) or 0):
                continue  # the highest version of an id stands for it
        found[wid] = (path.name, document)
    return found, problems
