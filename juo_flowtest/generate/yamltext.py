"""Flow files as text: block style where a reader scans (keys, steps), flow style inside.

Values are written by PyYAML (``safe_dump``), which quotes whatever the flow loader would read
differently (``yes``, ``010``, ``2024-05-01``, a ``#``...), so the text means exactly the data.

    >>> inline({"subscription": {"status": "active"}})
    '{subscription: {status: active}}'
"""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

WIDTH = 96


def inline(value: Any) -> str:
    """One value in YAML flow style, on one line."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True,
                          sort_keys=False)
    text = text.strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")]
    elif text.endswith("..."):
        text = text[:-3].strip()
    return text


def folded(key: str, text: str, indent: str = "") -> list[str]:
    """``key: >`` and the text wrapped beneath it (a folded block scalar)."""
    lines = textwrap.wrap(text, WIDTH - len(indent) - 2, break_long_words=False,
                          break_on_hyphens=False)
    return [f"{indent}{key}: >", *(f"{indent}  {line}" for line in lines)]


def mapping(data: dict[str, Any], indent: str = "") -> list[str]:
    """Each key on its line, each value inline."""
    return [f"{indent}{key}: {inline(value)}" for key, value in data.items()]
