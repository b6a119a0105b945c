"""Workflow definition files as pull writes them: a header comment, then block-style YAML.

Deterministic: the same document always gives the same bytes (keys in ``document``'s order,
sequences indented under their key, no line wrapping, UTF-8 as is). Every scalar that YAML
1.1 would read as something else (``yes``, ``0123``, ``2024-05-01``) is quoted, so the
sandbox's strict YAML 1.2 reader gets exactly the strings the target sent.

``body`` is everything after the header: a file whose body is unchanged is left alone, so a
second pull of the same definitions rewrites nothing, not even the header's date.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    """Block style, sequences indented under their key (``  - id: ...``)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _no_aliases(dumper: yaml.SafeDumper, data: Any) -> bool:
    return True


#: Plain scalars YAML 1.2's core schema reads as something other than a string (PyYAML only
#: knows YAML 1.1's list: ``1e3`` is a string to it and a number to YAML 1.2).
_CORE_12 = re.compile(
    r"^(?:null|Null|NULL|~|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")


def _string(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "'" if _CORE_12.match(data) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.ignore_aliases = _no_aliases  # type: ignore[method-assign, assignment]
_Dumper.add_representer(str, _string)


def render(document: dict[str, Any], header: list[str]) -> str:
    """The file's text: ``# `` + each header line, then the document."""
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comments + body(document)


def body(document: dict[str, Any]) -> str:
    """The document as block-style YAML (what follows the header)."""
    text: str = yaml.dump(document, Dumper=_Dumper, sort_keys=False, default_flow_style=False,
                          allow_unicode=True, width=1_000_000, indent=2)
    return text


def strip_header(text: str) -> str:
    """``text`` without its leading comment lines (the header)."""
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines) and lines[index].startswith("#"):
        index += 1
    return "".join(lines[index:])
