"""The release-gate policy: what a run must show before a release may go out.

A policy comes from a YAML file (``--policy FILE``), else from ``[tool.juo_flowtest.gate]`` in
``pyproject.toml`` of the working directory, else it is ``DEFAULT_POLICY`` (no failed, no
broken, no invalid flow file). Only the rules a policy writes are checked. The keys and their
meaning are documented in ``docs/ci.md``. Every mistake in a policy is a ``PolicyError`` whose
diagnostic points at ``path:line:col`` with the line, a caret and a hint.

YAML is read by ``juo_flowtest.source.yamlsource``, like flow files: the same strict YAML 1.2 scalars
(``yes``/``no`` stay strings), duplicate keys rejected where the second one is written, and the
same syntax-error wording. Both sources are turned into one small tree of ``Node`` (value +
position) first, so one validator serves YAML and TOML. TOML gives no positions, so they are
found again in the text (the table header, then the key), which is exact for the usual layouts
and otherwise points at the table.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from juo_flowtest.base.diagnostics import Diagnostic, closest
from juo_flowtest.base.errors import PolicyError
from juo_flowtest.base.position import Position
from juo_flowtest.source import yamlsource
from juo_flowtest.source.problems import Problems
from juo_flowtest.source.yamlsource import PosDict, PosList

SEVERITIES = ("blocker", "critical", "normal", "minor", "trivial")
FLAKY_CHOICES = ("passed", "failed")
TOML_TABLE = ("tool", "juo_flowtest", "gate")


@dataclass(frozen=True, slots=True)
class Policy:
    """The rules; ``None`` (or empty) means the rule is not checked."""

    source: str = "default policy"
    required_severities: tuple[str, ...] = ()
    min_pass_rate: float | None = None
    min_pass_rate_per_tag: dict[str, float] = field(default_factory=dict)
    max_failed: int | None = None
    max_broken: int | None = None
    max_invalid: int | None = None
    max_flaky: int | None = None
    min_coverage: float | None = None
    min_coverage_per_workflow: dict[str, float] = field(default_factory=dict)
    min_transition_coverage: float | None = None
    min_transition_coverage_per_workflow: dict[str, float] = field(default_factory=dict)
    min_end_step_coverage: float | None = None
    min_end_step_coverage_per_workflow: dict[str, float] = field(default_factory=dict)
    #: Share of the target's production step executions the suite exercises (coverage.json).
    min_traffic_coverage: float | None = None
    quarantine: tuple[str, ...] = ()
    flaky_counts_as: str = "passed"
    #: A workflows lock file (or its folder): every flow must have run the locked versions.
    locked_workflows: str | None = None


DEFAULT_POLICY = Policy(source="default policy", max_failed=0, max_broken=0, max_invalid=0)


@dataclass(frozen=True, slots=True)
class Node:
    """A policy value with where it was written; mappings hold ``{key: (key position, Node)}``."""

    value: Any
    position: Position


class _Source:
    """The text of a policy; its problems are ``source.Problems`` diagnostics.

    A policy stops at its first problem: a gate must not judge a run by half a policy.
    """

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.lines = text.splitlines()
        self.problems = Problems(path, text)
        # Hints show examples in the file's own syntax.
        self.assign = " =" if path.endswith(".toml") else ":"

    def error(self, position: Position, message: str, hint: str | None = None) -> PolicyError:
        return PolicyError([self.problems.make(position, message, hint)])


def load_policy(path: Path | None, cwd: Path) -> Policy:
    """The policy of ``path`` (YAML, or a ``.toml`` holding the gate table), else pyproject's.

    >>> load_policy(None, Path("/nowhere")) == DEFAULT_POLICY
    True
    """
    if path is None:
        pyproject = cwd / "pyproject.toml"
        if not pyproject.is_file():
            return DEFAULT_POLICY
        return _from_toml(pyproject, required=False) or DEFAULT_POLICY
    if not path.is_file():
        message = f"{path}: no such policy file"
        raise PolicyError([Diagnostic(Position(str(path), 1, 1), message, "", "check --policy")])
    if path.suffix == ".toml":
        policy = _from_toml(path, required=True)
        assert policy is not None  # required=True raises instead
        return policy
    return _from_yaml(path)


def configured_policy(path: Path | None, cwd: Path) -> Policy | None:
    """The policy a user configured: ``path``, else pyproject's gate table; None without one.

    >>> configured_policy(None, Path("/nowhere")) is None
    True
    """
    if path is not None:
        return load_policy(path, cwd)
    pyproject = cwd / "pyproject.toml"
    return _from_toml(pyproject, required=False) if pyproject.is_file() else None


def _read(path: Path) -> _Source:
    try:
        return _Source(str(path), path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError([Diagnostic(Position(str(path), 1, 1), f"cannot read: {exc}")]) from None


def _from_yaml(path: Path) -> Policy:
    source = _read(path)
    try:
        parsed = yamlsource.parse(source.text, source.path)
        documents = parsed.documents
        root = _yaml_node(documents[0][0], documents[0][1]) if documents else None
    except RecursionError:  # absurd nesting: say so instead of a traceback
        top = Position(source.path, 1, 1)
        raise source.error(
            top,
            "the policy is nested too deeply to be read",
            "a policy is one flat mapping of rules",
        ) from None
    if parsed.problems:
        for problem in parsed.problems:
            source.problems.add(problem.position, problem.message, problem.hint)
        raise PolicyError(source.problems.diagnostics())
    if len(documents) > 1:
        raise source.error(
            documents[1][1],
            "a second YAML document in a policy file",
            "a policy is one mapping of rules; remove the '---' and what follows",
        )
    if root is None or root.value is None:
        raise source.error(Position(source.path, 1, 1), "the policy is empty", _EMPTY_HINT)
    return _build(root, source, str(path))


def _yaml_node(data: Any, position: Position) -> Node:
    """yamlsource's ``PosDict``/``PosList`` tree as ``Node``s (the shape TOML also yields)."""
    if isinstance(data, PosDict):
        return Node(
            {
                key: (data.key_pos[key], _yaml_node(value, data.value_pos[key]))
                for key, value in data.items()
            },
            position,
        )
    if isinstance(data, PosList):
        return Node([_yaml_node(item, at) for item, at in zip(data, data.item_pos)], position)
    return Node(data, position)


def _from_toml(path: Path, required: bool) -> Policy | None:
    source = _read(path)
    try:
        data: Any = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        last = max(len(source.lines), 1)
        line, col = (int(found[1]), int(found[2])) if found else (last, 1)
        raise source.error(Position(source.path, line, col), f"not valid TOML: {exc}") from None
    for key in TOML_TABLE:
        data = data.get(key) if isinstance(data, dict) else None
    if data is None:
        if required:
            where = Position(source.path, 1, 1)
            raise source.error(
                where, "no [tool.juo_flowtest.gate] table", "add the table or pass a YAML policy"
            )
        return None
    label = f"{path.name} [tool.juo_flowtest.gate]" if path.name == "pyproject.toml" else str(path)
    return _build(_toml_node(source, data, TOML_TABLE), source, label)


def _toml_node(source: _Source, value: Any, path: tuple[str, ...]) -> Node:
    position = _toml_position(source, path)
    if isinstance(value, dict):
        items = {
            k: (_toml_position(source, (*path, k)), _toml_node(source, v, (*path, k)))
            for k, v in value.items()
        }
        return Node(items, position)
    position = _after_equals(source, position)
    if isinstance(value, list):
        return Node([Node(item, position) for item in value], position)
    return Node(value, position)


def _after_equals(source: _Source, key: Position) -> Position:
    """Where the value of the key at ``key`` starts (the key itself when not found)."""
    text = source.lines[key.line - 1] if 0 < key.line <= len(source.lines) else ""
    found = re.compile(r"\s*=\s*").match(text, text.find("=", key.column - 1))
    if "=" not in text[key.column - 1 :] or found is None:
        return key
    return Position(key.path, key.line, found.end() + 1)


def _toml_position(source: _Source, path: tuple[str, ...]) -> Position:
    """Where ``path`` is written: the longest table header naming a prefix, then each key."""
    line, col, done = 0, 0, 0
    for depth in range(len(path), 0, -1):
        header = re.compile(
            r"^\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, path[:depth])) + r"\s*\]"
        )
        found = next((i for i, text in enumerate(source.lines) if header.match(text)), None)
        if found is not None:
            line, col, done = found, source.lines[found].index("["), depth
            break
    for key in path[done:]:
        pattern = re.compile(r"(?:^|[\s{,.])\"?(" + re.escape(key) + r")\"?\s*[=.]")
        for i in range(line, len(source.lines)):
            if i > line and source.lines[i].lstrip().startswith("["):
                break
            match = pattern.search(source.lines[i], col if i == line else 0)
            if match:
                line, col = i, match.start(1)
                break
    return Position(source.path, line + 1, col + 1)


_EMPTY_HINT = (
    "a policy without rules would pass every run; write at least one rule, e.g. max_failed: 0"
)


def _build(root: Node, source: _Source, label: str) -> Policy:
    if not isinstance(root.value, dict):
        raise source.error(root.position, "a policy is a mapping of rules", "e.g. `max_failed: 0`")
    if not root.value:
        raise source.error(root.position, "the policy has no rules", _EMPTY_HINT)
    values: dict[str, Any] = {"source": label}
    for key, (key_position, node) in root.value.items():
        check = _RULES.get(str(key))
        if check is None:
            close = closest(str(key), _RULES)
            hint = f"did you mean '{close}'?" if close else "known keys: " + ", ".join(sorted(_RULES))
            raise source.error(key_position, f"unknown policy key '{key}'", hint)
        values[str(key)] = check(source, node, str(key))
    return Policy(**values)


def _percent(source: _Source, node: Node, key: str) -> float:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise source.error(
            node.position,
            f"{key} must be a percentage from 0 to 100, not {value!r}",
            f"e.g. `{_example(source, key, '95')}`",
        )
    return float(value)


def _example(source: _Source, key: str, value: str) -> str:
    return f"{key.rsplit('.', 1)[-1]}{source.assign} {value}"


def _count(source: _Source, node: Node, key: str) -> int:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise source.error(
            node.position,
            f"{key} must be a whole number >= 0, not {value!r}",
            f"e.g. `{_example(source, key, '0')}`",
        )
    return value


def _strings(source: _Source, node: Node, key: str) -> tuple[str, ...]:
    if not isinstance(node.value, list):
        raise source.error(
            node.position,
            f"{key} must be a list of strings",
            "e.g. `" + _example(source, key, '["Flow name"]') + "`",
        )
    seen: list[str] = []
    for item in node.value:
        if not isinstance(item.value, str) or not item.value.strip():
            raise source.error(
                item.position,
                f"{key} entries must be non-empty strings, not {item.value!r}",
                "quote the entry",
            )
        if item.value in seen:
            raise source.error(
                item.position, f"'{item.value}' is listed twice in {key}", "list it once"
            )
        seen.append(item.value)
    return tuple(seen)


def _severities(source: _Source, node: Node, key: str) -> tuple[str, ...]:
    names = _strings(source, node, key)
    for item, name in zip(node.value, names):
        if name not in SEVERITIES:
            close = closest(name, SEVERITIES)
            hint = f"did you mean '{close}'?" if close else "one of: " + ", ".join(SEVERITIES)
            raise source.error(item.position, f"unknown severity '{name}'", hint)
    return names


def _rates(source: _Source, node: Node, key: str) -> dict[str, float]:
    if not isinstance(node.value, dict) or not node.value:
        raise source.error(
            node.position,
            f"{key} must map names to percentages",
            f"e.g. `{_example(source, key, '{smoke' + source.assign + ' 100}')}`",
        )
    return {
        str(name): _percent(source, value, f"{key}.{name}")
        for name, (_, value) in node.value.items()
    }


def _flaky_choice(source: _Source, node: Node, key: str) -> str:
    if node.value not in FLAKY_CHOICES:
        raise source.error(
            node.position,
            f"{key} must be 'passed' or 'failed', not {node.value!r}",
            "flaky flows count as passed by default",
        )
    return str(node.value)


def _path(source: _Source, node: Node, key: str) -> str:
    if not isinstance(node.value, str) or not node.value.strip():
        raise source.error(
            node.position,
            f"{key} must be the path of a workflows lock file (or of its folder)",
            f"e.g. `{_example(source, key, 'flows/workflows/workflows.lock.json')}`",
        )
    return node.value


_RULES: dict[str, Callable[[_Source, Node, str], Any]] = {
    "required_severities": _severities,
    "min_pass_rate": _percent,
    "min_pass_rate_per_tag": _rates,
    "max_failed": _count,
    "max_broken": _count,
    "max_invalid": _count,
    "max_flaky": _count,
    "min_coverage": _percent,
    "min_coverage_per_workflow": _rates,
    "min_transition_coverage": _percent,
    "min_transition_coverage_per_workflow": _rates,
    "min_end_step_coverage": _percent,
    "min_end_step_coverage_per_workflow": _rates,
    "min_traffic_coverage": _percent,
    "quarantine": _strings,
    "flaky_counts_as": _flaky_choice,
    "locked_workflows": _path,
}
