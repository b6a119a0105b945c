"""YAML text -> plain data that remembers where each piece was written, at C speed.

``parse(text, path)`` returns the documents of a file (one flow each) as ``PosDict``/``PosList``
trees: ordinary ``dict``/``list`` subclasses (so they serialize and compare as plain data)
carrying the ``Position`` of the node, of each key and of each value. No ``__line__`` keys are
ever injected into the data.

The scalar rules are a strict subset of YAML 1.2's core schema, chosen so that what QA writes
means what it looks like (see ``docs/flow-format.md``):

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

import gc
import math
import operator
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import BaseResolver

from juo_flowtest.base.position import Position

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
    """A mapping from YAML: ``pos`` of the mapping, ``key_pos``/``value_pos`` per key.

    Positions are kept as the parser's raw 0-based ``(key mark, value mark)`` per key
    (``marks``) and become ``Position``s only when asked for: most are never needed (only
    diagnostics and a few model fields read them), and building ~400 frozen ``Position``s per
    flow file was ~10% of loading it. The marks themselves, not their lines and columns: each
    of those is an attribute read on the C parser's mark, four a key, and most keys never ask.
    """

    __slots__ = ("column", "line", "marks", "path")

    path: str
    line: int  #: 1-based, of the mapping itself
    column: int
    marks: dict[str, tuple[Mark, Mark]]

    @property
    def pos(self) -> Position:
        return Position(self.path, self.line, self.column)

    @property
    def key_pos(self) -> Mapping[str, Position]:
        """Each key's own position (a read-only view, made on access)."""
        return _MarkView(self, 0)

    @property
    def value_pos(self) -> Mapping[str, Position]:
        """Each value's position (a read-only view, made on access)."""
        return _MarkView(self, 1)

    def key_position(self, key: str) -> Position:
        """Where ``key`` is written (``KeyError`` if absent, like ``key_pos[key]``)."""
        mark = self.marks[key][0]
        return Position(self.path, mark.line + 1, mark.column + 1)

    def value_position(self, key: str) -> Position:
        """Where the value of ``key`` is written (``KeyError`` if absent)."""
        mark = self.marks[key][1]
        return Position(self.path, mark.line + 1, mark.column + 1)


class PosList(list[Any]):
    """A sequence from YAML: ``pos`` of the sequence, ``item_pos`` per item (made on access)."""

    __slots__ = ("column", "line", "marks", "path")

    path: str
    line: int
    column: int
    marks: list[Mark]  #: the parser's raw 0-based mark of each item (as in ``PosDict``)

    @property
    def pos(self) -> Position:
        return Position(self.path, self.line, self.column)

    @property
    def item_pos(self) -> list[Position]:
        path = self.path
        return [Position(path, mark.line + 1, mark.column + 1) for mark in self.marks]

    def item_position(self, index: int) -> Position:
        """Where item ``index`` is written (``IndexError`` if out of range)."""
        mark = self.marks[index]
        return Position(self.path, mark.line + 1, mark.column + 1)


class _MarkView(Mapping[str, Position]):
    """``PosDict.key_pos``/``value_pos``: positions built from the raw marks on lookup."""

    __slots__ = ("_at", "_node")

    def __init__(self, node: PosDict, at: int) -> None:
        self._node = node
        self._at = at

    def __getitem__(self, key: str) -> Position:
        mark = self._node.marks[key][self._at]
        return Position(self._node.path, mark.line + 1, mark.column + 1)

    def __contains__(self, key: object) -> bool:
        return key in self._node.marks

    def __iter__(self) -> Iterator[str]:
        return iter(self._node.marks)

    def __len__(self) -> int:
        return len(self._node.marks)


def pos_dict(path: str, line: int, column: int) -> PosDict:
    """An empty ``PosDict`` at 1-based ``line``/``column`` (fill ``marks`` with its keys)."""
    data = PosDict()
    data.path, data.line, data.column, data.marks = path, line, column, {}
    return data


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


_STR, _SEQ, _MAP = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")
_NULL, _MERGE = "tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"
_RULES: tuple[tuple[str, str, str], ...] = (
    ("bool", r"(?:true|True|TRUE|false|False|FALSE)", "tTfF"),
    ("int", r"[-+]?(?:0|[1-9][0-9]*)", "-+0123456789"),
    ("float", r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)",
     "-+0123456789."),
    ("null", r"(?:~|null|Null|NULL)", "~nN"),
    ("merge", r"<<", "<"),
)
_BY_FIRST: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _name, _regex, _first in _RULES:
    for _char in _first:
        _BY_FIRST.setdefault(_char, []).append((f"tag:yaml.org,2002:{_name}", re.compile(_regex)))

_SCALARS: dict[str, Any] = {
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:bool": {"true": True, "false": False}.__getitem__,
    _NULL: lambda value: None,
}
_INT = "tag:yaml.org,2002:int"
_INT_TEXT = re.compile(r"[-+]?[0-9]+")
#: The largest integer a flow file may write: what 64-bit JSON readers (and the API) accept.
MAX_JSON_INT = 2**63 - 1
#: An expansion limit for aliases (a "billion laughs" file must not hang collection).
MAX_NODES = 200_000


_PLAIN_TAGS: dict[str, str] = {"": _NULL}  # plain scalar text -> its tag (a bounded memo)
_MEMO_LENGTH, _MEMO_SIZE = 64, 8192


def _plain_tag(value: str) -> str:
    for tag, regex in _BY_FIRST.get(value[0], ()):
        if regex.fullmatch(value):
            return tag
    return _STR


class _Resolver(BaseResolver):
    """Implicit tags for plain scalars: the strict YAML 1.2 core subset described above.

    Overrides PyYAML's generic resolver with a direct lookup: the C composer calls it for
    every node, so it is on the hot path of collection. Flow files repeat the same few plain
    scalars (keys, ``200``, statuses), so each short one is resolved once per process.
    """

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                tag = _PLAIN_TAGS.get(value)
                if tag is None:
                    tag = _plain_tag(value)
                    if len(value) <= _MEMO_LENGTH and len(_PLAIN_TAGS) < _MEMO_SIZE:
                        _PLAIN_TAGS[value] = tag
                return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP

    # No path resolvers: the C composer calls these two around every node it builds, and a
    # Python no-op costs a frame each time (~3% of loading a flow file, measured): C built-ins
    # that take the same arguments and do nothing that matters stand in for them.
    descend_resolver: Any = operator.is_  # (parent, index) -> ignored bool
    ascend_resolver: Any = gc.isenabled  # () -> ignored bool


class FlowYamlLoader(_Parser, _Resolver):
    """Composes YAML nodes with the C parser (when available) and the strict resolver."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _Resolver.__init__(self)


class _Builder:
    """Nodes -> ``PosDict``/``PosList``/scalars, recording problems instead of raising.

    A direct recursive build (not PyYAML's generator-based constructor): about twice as fast,
    and it can keep going after a duplicate key or an unsupported tag. Plain string values,
    most of a flow file, are stored without a call; positions stay raw ints (see ``PosDict``).
    """

    def __init__(self, path: str, problems: list[SourceProblem], anchors: bool = True) -> None:
        self.path = path
        self.problems = problems
        #: whether the text may hold anchors (``&``): without one there is no alias to share
        #: a node, so containers need not be remembered by node.
        self.anchors = anchors
        self.built: dict[int, Any] = {}
        self.aliased = False

    def mark(self, node: Node) -> Position:
        return Position(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def problem(self, node: Node, message: str, hint: str | None = None) -> None:
        self.problems.append(SourceProblem(self.mark(node), message, hint))

    def build(self, node: Node) -> Any:
        if node.__class__ is ScalarNode:
            return node.value if node.tag == _STR else self.scalar(node)
        known = self.built.get(id(node)) if self.anchors else None
        if known is not None:
            self.aliased = True
            return known
        if node.__class__ is MappingNode:
            return self.mapping(node)
        assert isinstance(node, SequenceNode)  # the composer makes only three kinds of node
        return self.sequence(node)

    def scalar(self, node: ScalarNode) -> Any:
        if node.tag == _STR:
            return node.value
        convert = _SCALARS.get(node.tag)
        if convert is None:
            self.unsupported(node)
            return node.value
        try:
            value = convert(node.value.lower() if node.tag.endswith("bool") else node.value)
        except (ValueError, KeyError):
            if node.tag == _INT and _INT_TEXT.fullmatch(node.value):  # past int's digit limit
                value = MAX_JSON_INT + 1
            else:
                self.problem(node, f"'{_short(node.value)}' is not a valid "
                             f"{node.tag.rsplit(':', 1)[-1]}")
                return node.value
        if value.__class__ is float and not math.isfinite(value):
            self.problem(node, f"the number {_short(node.value)} is out of range: it would be "
                         "infinite, and JSON has no infinite numbers",
                         "write a smaller number, or quote it to send it as text")
            return node.value
        if value.__class__ is int and not -MAX_JSON_INT <= value <= MAX_JSON_INT:
            self.problem(node, f"the integer {_short(node.value)} is out of range: larger than "
                         "the 64-bit integers JSON readers accept",
                         "write a smaller number, or quote it to send it as text")
            return node.value
        return value

    def unsupported(self, node: Node) -> None:
        self.problem(node, f"unsupported YAML tag '{_shown_tag(node.tag)}'",
                     "these files use plain YAML: no '!tags' beyond !!str, !!int, !!float, "
                     "!!bool, !!null, !!map and !!seq")

    def mapping(self, node: MappingNode) -> PosDict:
        if node.tag != _MAP:  # !!set, !!omap, !custom...: not plain data
            self.unsupported(node)
        at = node.start_mark
        data = PosDict()
        data.path, data.line, data.column = self.path, at.line + 1, at.column + 1
        marks: dict[str, tuple[Mark, Mark]] = {}
        data.marks = marks
        if self.anchors:
            self.built[id(node)] = data
        merges = []
        for key_node, value_node in node.value:
            key = key_node.value
            if key_node.tag == _MERGE:
                merges.append(value_node)
            elif key_node.__class__ is not ScalarNode:
                self.problem(key_node, "a key must be a plain string, not a mapping or a list")
            elif key in marks:
                self.problem(key_node, f"duplicate key '{key}' (first written at line "
                             f"{marks[key][0].line + 1})",
                             "a key may appear once in a mapping; remove or rename one of them")
            else:
                marks[key] = (key_node.start_mark, value_node.start_mark)
                # what build() would do, without its call for the usual kinds of value
                kind = value_node.__class__
                if kind is ScalarNode:
                    data[key] = value_node.value if value_node.tag == _STR else self.scalar(value_node)
                elif kind is MappingNode and not self.anchors:  # no alias can share it
                    data[key] = self.mapping(value_node)
                else:
                    data[key] = self.build(value_node)
        for merge in merges:
            self.merge(data, merge)
        return data

    def merge(self, data: PosDict, node: Node) -> None:
        """``<<: *a`` or ``<<: [*a, *b]``: keys not written explicitly; earlier sources win."""
        for source_node in node.value if isinstance(node, SequenceNode) else [node]:
            source = self.build(source_node)
            if not isinstance(source, PosDict):
                self.problem(source_node, "'<<' merges mappings only")
                continue
            for key, value in source.items():
                if key not in data:
                    data[key] = value
                    data.marks[key] = source.marks[key]

    def sequence(self, node: SequenceNode) -> PosList:
        if node.tag != _SEQ:
            self.unsupported(node)
        at = node.start_mark
        data = PosList()
        data.path, data.line, data.column = self.path, at.line + 1, at.column + 1
        data.marks = [child.start_mark for child in node.value]
        if self.anchors:
            self.built[id(node)] = data
        build = self.build
        data.extend([build(child) for child in node.value])
        return data

    def document(self, node: Node) -> Any:
        data = self.build(node)
        if self.aliased and not _bounded(data):
            self.problem(node, f"the document expands to more than {MAX_NODES} values or refers "
                         "to itself through YAML aliases")
            return None
        return data


def _short(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}…{text[-8:]} ({len(text)} characters)"


def _shown_tag(tag: str) -> str:
    """``!!set`` for ``tag:yaml.org,2002:set``; other tags as written."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def _bounded(data: Any) -> bool:
    """True when ``data`` is acyclic and has at most ``MAX_NODES`` values once expanded."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(value: Any) -> int:
        if not isinstance(value, (dict, list)):
            return 1
        key = id(value)
        if key in active:
            return MAX_NODES + 1
        if key not in sizes:
            active.add(key)
            children = value.values() if isinstance(value, dict) else value
            sizes[key] = min(1 + sum(size(child) for child in children), MAX_NODES + 1)
            active.discard(key)
        return sizes[key]

    return size(data) <= MAX_NODES


class paused_gc:  # lower case: it reads as the function it replaced, `with paused_gc():`
    """Pause the cyclic garbage collector while loading a file.

    Loading allocates many small containers and no cycles worth collecting; with the collector
    running, its generation-0 passes cost more than the whole build (measured 338 ms vs 140 ms
    for 1,000 files). A class, not a ``@contextmanager`` generator: it is entered once per
    file, and the generator's machinery cost more than the pause itself.
    """

    __slots__ = ("enabled",)

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            gc.enable()


def parse(text: str, path: str) -> Source:
    """Every document of ``text``; a syntax error ends the reading and becomes a problem."""
    source = Source(path)
    loader = FlowYamlLoader(text)
    problems: list[SourceProblem] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:  # pragma: no cover - check_node said there is one
                break
            builder = _Builder(path, problems, "&" in text)
            source.documents.append((builder.document(node), builder.mark(node)))
    except yaml.MarkedYAMLError as exc:
        problems.append(_syntax_problem(exc, path, text))
    except Exception as exc:  # noqa: BLE001 - the C extension may raise unexpected types
        problems.append(SourceProblem(Position(path, 1, 1), f"invalid YAML: {exc}"))
    finally:
        loader.dispose()
    source.problems = sorted(problems, key=lambda p: (p.position.line, p.position.column))
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
        hint = "these files use plain YAML: no '!tags'"
    return SourceProblem(position, f"YAML syntax error: {problem}", hint)


def child_position(container: Any, key: Any) -> Position | None:
    """The position of ``container[key]`` when ``container`` came from ``parse``."""
    if isinstance(container, PosDict):
        return container.value_position(key) if key in container.marks else None
    if isinstance(container, PosList) and isinstance(key, int) and 0 <= key < len(container):
        return container.item_position(key)
    return None


def key_position(container: Any, key: str) -> Position | None:
    """The position of the key ``key`` itself in a ``PosDict``."""
    if isinstance(container, PosDict) and key in container.marks:
        return container.key_position(key)
    return None


def position(node: Any) -> Position | None:
    """The position of a ``PosDict``/``PosList`` node (None for scalars)."""
    return node.pos if isinstance(node, (PosDict, PosList)) else None


def plain(node: Any) -> Any:
    """A deep copy as plain ``dict``/``list`` (for values that leave the loader)."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node
