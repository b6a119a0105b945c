"""YAML text -> plain data that remembers where each piece was written, at C speed.

``parse(text, path)`` returns the documents of a file (one flow each) as ``PosDict``/``PosList``
trees: ordinary ``dict``/``list`` subclasses (so they serialize and compare as plain data)
carrying the ``Position`` of the node, of each key and of each value. No ``__line__`` keys are
ever injected into the data.

The scalar rules are a strict subset of YAML 1.2's core schema, chosen so that what QA writes
means what it looks like (see ``docs/flow-format-notes.md``):

- booleans are only ``true``/``false`` (also ``True``/``TRUE``/``False``/``FALSE``):
  ``yes``, ``no``, ``on``, ``off``, ``y``, ``n`` stay strings (``respond: no`` sends "no");
- integers are decimal without leading zeros: ``010`` and ``0x1F``, ``1_000``, ``1:20``
  (YAML 1.1 octal, hex, underscores, sexagesimal) stay strings;
- floats are decimal (``1.5``, ``.5``, ``1e3``); ``.inf``/``.nan`` stay strings (JSON has none);
- null is ``null``/``Null``/``NULL``/``~`` or nothing;
- dates and timestamps stay strings (``2024-05-01`` is the text, never a ``date``);
- mapping keys are always strings: the key's text as written (``200:`` is the key "200");
- a duplicate key is an error at the second occurrence (YAML's last-wins hides typos);
- merge keys (``<<: *defaults``) work, and explicit keys override merged ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from juo_flowtest.model import Position

try:  # the C parser is ~9x faster; the pure-Python one is only a fallback
    from yaml._yaml import CParser as _Parser

    C_LOADER = True
except ImportError:  # pragma: no cover - PyYAML wheels bundle libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)

    C_LOADER = False


class PosDict(dict[str, Any]):
    """A mapping from YAML: ``pos`` of the mapping, ``key_pos``/``value_pos`` per key."""

    __slots__ = ("key_pos", "pos", "value_pos")

    pos: Position
    key_pos: dict[str, Position]
    value_pos: dict[str, Position]


class PosList(list[Any]):
    """A sequence from YAML: ``pos`` of the sequence, ``item_pos`` per item."""

    __slots__ = ("item_pos", "pos")

    pos: Position
    item_pos: list[Position]


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """A problem found while reading YAML (syntax, duplicate key, complex key)."""

    position: Position
    message: str
    hint: str | None = None


@dataclass(slots=True)
class Source:
    """A parsed file: its documents (each with its position) and the problems found."""

    path: str
    documents: list[tuple[Any, Position]] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)


class _Resolver(BaseResolver):
    """Implicit tags for plain scalars: the strict YAML 1.2 core subset described above."""


for _tag, _regex, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    ("float", r"^[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)$",
     "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
):
    _Resolver.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_regex), list(_first))


class _Constructor(SafeConstructor):
    """Builds ``PosDict``/``PosList``; records duplicate and complex keys as problems."""

    path: str
    problems: list[SourceProblem]

    def mark(self, node: Node) -> Position:
        return Position(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def build_map(self, node: MappingNode) -> Any:
        data = PosDict()
        data.pos = self.mark(node)
        data.key_pos = {}
        data.value_pos = {}
        yield data
        own = [(k, v) for k, v in node.value if k.tag != "tag:yaml.org,2002:merge"]
        written: dict[str, Position] = {}
        for key_node, _ in own:
            if isinstance(key_node, ScalarNode):
                self.check_duplicate(written, str(key_node.value), self.mark(key_node))
        for key_node, value_node in self.merged(node, own):
            self.put(data, key_node, value_node)

    def merged(self, node: MappingNode, own: list[tuple[Node, Node]]) -> list[tuple[Node, Node]]:
        if len(own) == len(node.value):
            return own
        self.flatten_mapping(node)  # merged pairs first, own pairs after: own ones win
        return list(node.value)

    def check_duplicate(self, written: dict[str, Position], key: str, at: Position) -> None:
        first = written.setdefault(key, at)
        if first is not at:
            self.problems.append(SourceProblem(
                at, f"duplicate key '{key}' (first written at line {first.line})",
                "a key may appear once in a mapping; remove or rename one of them"))

    def put(self, data: PosDict, key_node: Node, value_node: Node) -> None:
        if not isinstance(key_node, ScalarNode):
            self.problems.append(SourceProblem(self.mark(key_node), "a key must be a plain "
                                               "string, not a mapping or a list"))
            return
        key = str(key_node.value)
        data[key] = self.construct_object(value_node, deep=False)
        data.key_pos[key] = self.mark(key_node)
        data.value_pos[key] = self.mark(value_node)

    def build_seq(self, node: SequenceNode) -> Any:
        data = PosList()
        data.pos = self.mark(node)
        data.item_pos = [self.mark(child) for child in node.value]
        yield data
        data.extend(self.construct_object(child, deep=False) for child in node.value)


# types-PyYAML bounds add_constructor to its own loader classes; ours is equivalent.
_Constructor.add_constructor("tag:yaml.org,2002:map", _Constructor.build_map)  # type: ignore[type-var]
_Constructor.add_constructor("tag:yaml.org,2002:seq", _Constructor.build_seq)  # type: ignore[type-var]


class FlowYamlLoader(_Parser, _Constructor, _Resolver):
    """The flow-file loader: C parser (when available), positions, strict scalars."""

    def __init__(self, stream: str, path: str) -> None:
        _Parser.__init__(self, stream)
        _Constructor.__init__(self)
        _Resolver.__init__(self)
        self.path = path
        self.problems = []


def parse(text: str, path: str) -> Source:
    """Every document of ``text``; a syntax error ends the reading and becomes a problem."""
    source = Source(path)
    loader = FlowYamlLoader(text, path)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node said there is one
                break
            source.documents.append((loader.construct_document(node), loader.mark(node)))
    except yaml.MarkedYAMLError as exc:
        source.problems.append(_syntax_problem(exc, path, text))
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError) as exc:
        source.problems.append(SourceProblem(Position(path, 1, 1), f"invalid YAML: {exc}"))
    finally:
        loader.dispose()
    source.problems[:0] = loader.problems
    source.problems.sort(key=lambda p: (p.position.line, p.position.column))
    return source


def _syntax_problem(exc: yaml.MarkedYAMLError, path: str, text: str) -> SourceProblem:
    mark = exc.problem_mark or exc.context_mark
    position = Position(path, mark.line + 1, mark.column + 1) if mark else Position(path, 1, 1)
    problem = exc.problem or "invalid YAML"
    if exc.context and not isinstance(exc, ConstructorError):
        problem = f"{problem} ({exc.context})"
    hint = "check the indentation and quoting around this place"
    lines = text.splitlines()
    line = lines[position.line - 1] if 0 < position.line <= len(lines) else ""
    if "tab" in problem or "\t" in line[: position.column]:
        hint = "YAML indentation uses spaces, never tabs"
    elif isinstance(exc, ConstructorError):
        hint = "flow files use plain YAML: no '!tags'"
    return SourceProblem(position, f"YAML syntax error: {problem}", hint)


def child_position(container: Any, key: Any) -> Position | None:
    """The position of ``container[key]`` when ``container`` came from ``parse``."""
    if isinstance(container, PosDict):
        return container.value_pos.get(key)
    if isinstance(container, PosList) and isinstance(key, int) and 0 <= key < len(container.item_pos):
        return container.item_pos[key]
    return None


def key_position(container: Any, key: str) -> Position | None:
    """The position of the key ``key`` itself in a ``PosDict``."""
    return container.key_pos.get(key) if isinstance(container, PosDict) else None


def position(node: Any) -> Position | None:
    """The position of a ``PosDict``/``PosList`` node (None for scalars)."""
    return getattr(node, "pos", None) if isinstance(node, (PosDict, PosList)) else None


def plain(node: Any) -> Any:
    """A deep copy as plain ``dict``/``list`` (for values that leave the loader)."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node
