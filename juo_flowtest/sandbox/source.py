"""One workflow definition file: its text, the problems found in it, and its one document.

The YAML (and JSON: a JSON document is YAML 1.2) is read by ``juo_flowtest.source.yamlsource``, the
package's one reader with source positions, so definition files follow the same strict rules
as flow files: mappings are ``PosDict``s and sequences ``PosList``s that know where each key and
item was written; ``yes``/``no``/``on``/``off`` and dates stay strings; a duplicate key is a
problem at its second occurrence. This module turns what it reports into ``Diagnostic``s, and
``Reader`` reads the data's keys by type, recording a problem for each missing or mistyped one::

    src = SourceFile(path)
    root = Reader(src).mapping(src.parse(), "a workflow definition", None)
    version = Reader(src).get(root, "version", int, "workflow", default=1)  # problems in src
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from juo_flowtest.base.diagnostics import Diagnostic
from juo_flowtest.base.position import Position
from juo_flowtest.source import userfile, yamlsource
from juo_flowtest.source.problems import Problems
from juo_flowtest.source.yamlsource import PosDict

#: The largest definition file read (the examples are ~10 KB; Juo's own limits are far lower).
MAX_DEFINITION_BYTES = 5 * 1024 * 1024


class SourceFile:
    """One definition file: its path, its text and the problems found (``source.Problems``)."""

    def __init__(self, path: Path, text: str | None = None) -> None:
        """``text`` stands in for the file's content (a definition received over HTTP)."""
        self.path = path
        self.name = str(path)
        unreadable: tuple[str, str | None] | None = None
        try:  # a regular file within the limit: a FIFO or a device named here never hangs
            self.text = (userfile.read_text(path, limit=MAX_DEFINITION_BYTES,
                                            what="workflow definition")
                         if text is None else text)
        except UnicodeDecodeError as exc:
            self.text, unreadable = "", (f"not UTF-8 text: {exc.reason}", "save the file as UTF-8")
        except userfile.UnreadableFile as exc:
            self.text, unreadable = "", (str(exc), exc.hint)
        self.found = Problems(self.name, self.text)
        if unreadable is not None:
            self.problem(None, *unreadable)

    @property
    def problems(self) -> list[Diagnostic]:
        """Every problem found so far, in source order."""
        return self.found.diagnostics()

    def problem(self, at: Position | None, message: str, hint: str | None = None) -> None:
        """Record a problem at ``at`` (the top of the file when the place is unknown)."""
        self.found.add(at, message, hint)

    def parse(self) -> Any:
        """The document's data (``None`` for an empty file), or ``None`` after recording why.

        Duplicate keys and unsupported tags are recorded but the data is still returned, so
        the definition's other problems are reported in the same run.
        """
        try:
            with yamlsource.paused_gc():
                source = yamlsource.parse(self.text, self.name)
        except RecursionError:  # absurd nesting: say so instead of a traceback
            self.problem(None, "the file is nested too deeply to be a workflow definition")
            return None
        for found in source.problems:
            self.problem(found.position, found.message, found.hint)
        if len(source.documents) > 1:
            self.problem(source.documents[1][1], "a second YAML document in a workflow file",
                         "put each workflow definition in its own file")
            return None
        return source.documents[0][0] if source.documents else None


class Reader:
    """Typed access to a ``PosDict`` that records a problem for each missing or mistyped key."""

    def __init__(self, src: SourceFile) -> None:
        self.src = src

    def at(self, node: Any, key: str | None = None) -> Position | None:
        """Where ``key`` is written in ``node`` (or ``node`` itself); None means the file top."""
        found = yamlsource.key_position(node, key) if key is not None else None
        return found or yamlsource.position(node)

    def get(self, node: PosDict, key: str, kind: type | tuple[type, ...], where: str,
            required: bool = True, default: Any = None) -> Any:
        """``node[key]`` when it is a ``kind``, else ``default`` after recording why."""
        if key not in node:
            if required:
                self.src.problem(self.at(node), f"{where}: missing required key '{key}'",
                                 f"add '{key}' to this mapping")
            return default
        value = node[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            kinds = (kind,) if isinstance(kind, type) else kind
            names = "/".join(_TYPE_NAMES.get(k, k.__name__) for k in kinds)
            self.src.problem(self.at(node, key), f"{where}: '{key}' must be {names}, "
                             f"got {_type_name(value)}", _yaml11_hint(kinds, value))
            return default
        return value

    def whole(self, node: PosDict, key: str, where: str, required: bool = True) -> int | None:
        """``node[key]`` as an int: an integer, or a number with no fraction (``1000.0``, as
        JSON Schema's ``integer`` and Juo's JSON reading accept it); else ``None``, recorded."""
        if key not in node:
            self.get(node, key, int, where, required=required)  # says it is missing
            return None
        value = node[key]
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        got = repr(value) if isinstance(value, float) else _type_name(value)
        self.src.problem(self.at(node, key), f"{where}: '{key}' must be a whole number, "
                         f"got {got}", _yaml11_hint((int,), value))
        return None

    def mapping(self, value: Any, where: str, at: Position | None) -> PosDict | None:
        """``value`` when it is a mapping, else ``None`` after recording a problem at ``at``."""
        if isinstance(value, PosDict):
            return value
        self.src.problem(at, f"{where} must be a mapping")
        return None


_TYPE_NAMES: dict[type, str] = {dict: "mapping", list: "list"}
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}


def _type_name(value: Any) -> str:
    return next((name for k, name in _TYPE_NAMES.items() if isinstance(value, k)),
                type(value).__name__)


def _yaml11_hint(kinds: tuple[type, ...], value: Any) -> str | None:
    """Definition files are YAML 1.2 (like flow files): say so when a YAML 1.1 habit shows."""
    if bool in kinds and isinstance(value, str) and value.lower() in _YAML11_BOOLS:
        return f"write true or false: in YAML 1.2 '{value}' is a string"
    if int in kinds and isinstance(value, str) and value[:1].isdigit():
        return "write a plain decimal number (no leading zero, 0x, '_' or ':')"
    return None
