"""Definition files read as YAML (JSON is read by the same parser) with source positions.

A ``yaml.CSafeLoader`` subclass builds mappings as ``Node`` dicts that remember where they and
each of their keys start, at C-parser speed. Duplicate keys are collected as problems instead
of silently keeping the last one (YAML 1.1's default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from juo_flowtest.errors import Diagnostic
from juo_flowtest.model import Position


class Node(dict[str, Any]):
    """A mapping that knows its own position and the position of each key (1-based)."""

    __slots__ = ("column", "keys_at", "line")

    def __init__(self) -> None:
        super().__init__()
        self.line = 1
        self.column = 1
        self.keys_at: dict[str, tuple[int, int]] = {}


class Items(list[Any]):
    """A sequence that knows its position and each item's position."""

    __slots__ = ("column", "items_at", "line")

    def __init__(self) -> None:
        super().__init__()
        self.line = 1
        self.column = 1
        self.items_at: list[tuple[int, int]] = []


class _PositionLoader(yaml.CSafeLoader):
    """CSafeLoader whose mappings and sequences carry positions; records duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int, int]] = []


def _construct_map(loader: _PositionLoader, node: yaml.MappingNode) -> Any:
    data = Node()
    data.line, data.column = node.start_mark.line + 1, node.start_mark.column + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        at = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if key in data:
            loader.duplicates.append((str(key), *at))
        data[key] = loader.construct_object(value_node, deep=True)
        data.keys_at[key] = at


def _construct_seq(loader: _PositionLoader, node: yaml.SequenceNode) -> Any:
    data = Items()
    data.line, data.column = node.start_mark.line + 1, node.start_mark.column + 1
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.items_at.append((item.start_mark.line + 1, item.start_mark.column + 1))


_PositionLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_PositionLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class SourceFile:
    """One definition file: its path, its lines (for diagnostics) and diagnostic helpers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.lines = self.text.splitlines()
        self.problems: list[Diagnostic] = []

    def problem(self, at: tuple[int, int], message: str, hint: str | None = None) -> None:
        """Record a problem at (line, column)."""
        line, column = at
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.problems.append(
            Diagnostic(Position(str(self.path), line, column), message, source, hint)
        )

    def parse(self) -> Any:
        """The document's data, or ``None`` after recording why it could not be read."""
        loader = _PositionLoader(self.text)
        try:
            data = loader.get_single_data()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            at = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            self.problem(at, f"not valid YAML/JSON: {exc.problem or exc}",
                         "check indentation, quotes and brackets around this place")
            return None
        except yaml.YAMLError as exc:
            self.problem((1, 1), f"not valid YAML/JSON: {exc}")
            return None
        finally:
            loader.dispose()
        for key, line, column in loader.duplicates:
            self.problem((line, column), f"duplicate key '{key}'",
                         "each key may appear once in a mapping; remove one of them")
        return data
