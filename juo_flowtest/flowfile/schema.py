"""The JSON Schema (draft 2020-12) of flow files, shipped in the package for editors.

Point an editor at it with a first line ``# yaml-language-server: $schema=<path>`` (the path
printed by ``schema_path()``), or print it with ``juo-flowtest schema``. The loader, not the
schema, is the authority: the schema cannot check variables, JSONPath or operator arguments.

The step kinds' parts (``$defs.<kind>``, the step's and the flow's ``oneOf``) come from the
kinds themselves (``Kind.schema``): ``python -m juo_flowtest.flowfile.schema --write``
rewrites the shipped file after a kind changes, and a test checks the two agree.

Example::

    >>> import json
    >>> json.loads(schema_text())["title"]
    'juo-flowtest flow file'
"""

from __future__ import annotations

import copy
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from juo_flowtest.flowfile import kinds

_RESOURCE = resources.files("juo_flowtest.flowfile") / "flow.schema.json"


def schema_text() -> str:
    """The schema as JSON text."""
    return _RESOURCE.read_text(encoding="utf-8")


def schema() -> dict[str, Any]:
    """The schema as a dict."""
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


def schema_path() -> Path:
    """The schema file's path on disk (for ``# yaml-language-server: $schema=...``)."""
    return Path(str(_RESOURCE))


def built() -> dict[str, Any]:
    """The shipped schema with every kind's part taken from the kind."""
    out = copy.deepcopy(schema())
    defs = out["$defs"]
    step = defs["step"]
    step["oneOf"] = [{"required": [k.key]} for k in kinds.KINDS if k.in_steps]
    out["oneOf"] = [{"required": [k.key]} for k in kinds.KINDS if k.opening]
    for kind in kinds.KINDS:
        defs[kind.key] = copy.deepcopy(kind.schema)
        ref = {"$ref": f"#/$defs/{kind.key}", "description": kind.summary}
        if kind.in_steps:
            step["properties"][kind.key] = ref
        if kind.opening:
            out["properties"][kind.key] = ref
    return out


def main(argv: list[str]) -> int:
    """``--write``: rewrite the shipped file from the kinds; otherwise print what it would be."""
    text = json.dumps(built(), indent=2, ensure_ascii=False) + "\n"
    if argv == ["--write"]:
        schema_path().write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
