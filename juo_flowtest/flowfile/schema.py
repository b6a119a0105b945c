"""The JSON Schema (draft 2020-12) of flow files, shipped in the package for editors.

Point an editor at it with a first line ``# yaml-language-server: $schema=<path>`` (the path
printed by ``schema_path()``), or print it with ``juo-flowtest schema``. The loader, not the
schema, is the authority: the schema cannot check variables, JSONPath or operator arguments.

Example::

    >>> import json
    >>> json.loads(schema_text())["title"]
    'juo-flowtest flow file'
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

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
