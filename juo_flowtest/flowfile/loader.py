"""Flow files -> validated ``model.FlowFile``; the only place raw YAML data exists.

``load_file(path)`` / ``load_text(text, path)`` return the file's flows or raise
``errors.FlowFileError`` listing EVERY problem of the file (syntax, unknown or duplicate keys,
wrong types, unknown variables, bad JSONPath, unknown operators, bad durations, colliding
names...), each as ``path:line:col``, the line, a caret and a hint.

Example::

    flow_file = load_file("flows/cancel.flow.yaml")
    for flow in flow_file.flows:
        for case in flow.cases or (None,):
            print(report_name(flow, case))
"""

from __future__ import annotations

import os
import re
from typing import Any, cast

from juo_flowtest.base.diagnostics import Diagnostic, did_you_mean
from juo_flowtest.base.errors import FlowFileError
from juo_flowtest.base.position import Position
from juo_flowtest.base.templating import is_always_known
from juo_flowtest.flowfile import kinds
from juo_flowtest.flowfile.builders import Builders
from juo_flowtest.flowfile.expectations import ExpectBuilder
from juo_flowtest.flowfile.model import Case, Flow, FlowFile, Link, Step
from juo_flowtest.flowfile.steps import StepBuilder
from juo_flowtest.flowfile.variables import (
    IN_CASE,
    IN_VARS,
    Declared,
    Variables,
    run_builtin_too_early,
)
from juo_flowtest.source import userfile, yamlsource
from juo_flowtest.source.fields import IDENTIFIER, Reader, as_mapping
from juo_flowtest.source.problems import Problems
from juo_flowtest.source.yamlsource import PosDict, PosList

#: pytest's built-in markers: a tag with one of these names would skip, xfail or parametrize.
RESERVED_TAGS = frozenset({"skip", "skipif", "xfail", "parametrize", "usefixtures",
                           "filterwarnings", "tryfirst", "trylast"})
FLOW_KEYS = ("flow", "description", "tags", "severity", "feature", "epic", "story", "owner",
             "links", "skip", "xfail", "vars", "headers", *kinds.OPENING_KEYS, "expect", "save",
             "steps", "parametrize")
SEVERITIES = ("blocker", "critical", "normal", "minor", "trivial")
LINK_KEYS = ("type", "name", "url")
_CASE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")


def report_name(flow: Flow, case: Case | None) -> str:
    """The test's name: ``"flow name[case id]"`` for a parametrize case, else ``"flow name"``."""
    return f"{flow.name}[{case.id}]" if case is not None else flow.name


def load_file(path: str | os.PathLike[str]) -> FlowFile:
    """Read and validate one flow file; raises ``FlowFileError`` (never a traceback)."""
    name = os.fspath(path)
    try:  # a regular file within the size limit: a FIFO or /dev/zero never hangs the run
        text = userfile.read_text(name, limit=userfile.MAX_FLOW_FILE_BYTES)
    except UnicodeDecodeError as exc:
        raise FlowFileError([Diagnostic(Position(name, 1, 1), f"not UTF-8 text: {exc.reason}",
                                        hint="save the flow file as UTF-8")]) from None
    except userfile.UnreadableFile as exc:
        raise FlowFileError([Diagnostic(Position(name, 1, 1), str(exc),
                                        hint=exc.hint)]) from None
    return load_text(text, name)


def load_text(text: str, path: str) -> FlowFile:
    """Validate flow-file text (``path`` is only used in positions and messages)."""
    problems = Problems(path, text)
    try:
        with yamlsource.paused_gc():
            flows = _load(text, path, problems)
    except RecursionError:  # absurdly deep nesting: say so instead of a traceback
        problems.add(None, "the file is nested too deeply to be a flow file")
        flows = []
    if problems:
        raise FlowFileError(problems.diagnostics())
    return FlowFile(path, tuple(flows))


def _load(text: str, path: str, problems: Problems) -> list[Flow]:
    source = yamlsource.parse(text, path)
    for problem in source.problems:
        problems.add(problem.position, problem.message, problem.hint)
    documents = [(doc, at) for doc, at in source.documents if doc is not None]
    if not documents and not source.problems:
        problems.add(None, "empty flow file: it holds no flow",
                     "a flow file holds one flow per YAML document, starting with 'flow: NAME'")
    flows = []
    seen: dict[str, Position] = {}
    for doc, at in documents:
        flow = _FlowBuilder(problems).build(doc, at)
        if flow is None:
            continue
        if flow.name in seen:
            problems.add(flow.position, f"duplicate flow name '{flow.name}' (first at line "
                         f"{seen[flow.name].line})", "each flow of a file needs its own name")
        seen.setdefault(flow.name, flow.position)
        flows.append(flow)
    return flows


class _FlowBuilder:
    """One YAML document -> one ``Flow``, reporting every problem into ``problems``."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        self.variables = Variables(problems)
        self.expects = ExpectBuilder(problems, self.variables)
        self.builders = Builders(problems, self.variables, self.expects)
        self.steps = StepBuilder(self.builders)

    def build(self, doc: Any, at: Position) -> Flow | None:
        node = as_mapping(self.problems, doc, at, "a flow")
        if node is None:
            return None
        r = Reader(self.problems, node, "a flow")
        r.keys(FLOW_KEYS, required=("flow",))
        name = self.name(r)
        cases = self.cases(r)
        variables = self.vars(r, cases)
        self.variables.step = 0
        headers = self.builders.optional_headers(r)
        steps = self.all_steps(r)
        if self.variables.uses:  # most flows use no variable: nothing to check
            self.variables.check(Declared(list(variables), self.expects.saved,
                                          [(c.id, frozenset(c.values)) for c in cases]))
        description, tags, severity = r.text("description"), self.tags(r), self.severity(r)
        feature, epic, story, owner = r.text("feature"), r.text("epic"), r.text("story"), r.text("owner")
        links, skip, xfail = self.links(r), r.text("skip"), r.text("xfail")
        if name is None or steps is None:
            return None
        return Flow(name=name, steps=steps, position=r.at("flow"),
                    description=description, tags=tags, severity=severity, feature=feature,
                    epic=epic, story=story, owner=owner, links=links, skip=skip, xfail=xfail,
                    vars=variables, headers=headers, cases=cases)

    def tags(self, r: Reader) -> tuple[str, ...]:
        """Tags become pytest markers, so pytest's own marker names would change the run."""
        tags = r.identifiers("tags")
        if not tags:
            return ()
        raw = r.node.get("tags")
        for index, tag in enumerate(raw if isinstance(raw, list) else ()):
            if tag in RESERVED_TAGS:
                self.problems.add(r.node["tags"].item_position(index),
                                  f"tag '{tag}' is one of pytest's own markers",
                                  f"choose another name (e.g. '{tag}_flow'); to skip or xfail "
                                  "a flow use the 'skip:' or 'xfail:' keys")
        return tuple(t for t in tags if t not in RESERVED_TAGS)

    def name(self, r: Reader) -> str | None:
        name = r.text("flow", nonempty=True)
        if name is None:
            return None
        for bad, why in (("[", "'['"), ("::", "'::'"), ("\n", "a line break")):
            if bad in name:
                self.problems.add(r.at("flow"), f"a flow name must not contain {why}",
                                  "reports split test names on '::' and '[': choose another name")
                return None
        return name.strip()

    def severity(self, r: Reader) -> str | None:
        value = r.text("severity")
        if value is not None and value not in SEVERITIES:
            self.problems.add(r.at("severity"), f"unknown severity '{value}'"
                              f"{did_you_mean(value, SEVERITIES)}", "one of: " + ", ".join(SEVERITIES))
            return None
        return value

    def links(self, r: Reader) -> tuple[Link, ...]:
        items = r.sequence("links")
        out = []
        for index, raw in enumerate(items or ()):
            node = as_mapping(self.problems, raw, items.item_position(index) if items else None,
                              "a link")
            if node is None:
                continue
            link = Reader(self.problems, node, "a link")
            link.keys(LINK_KEYS, required=LINK_KEYS)
            fields = [link.text(key, nonempty=True) for key in LINK_KEYS]
            if all(f is not None for f in fields):
                out.append(Link(*(str(f) for f in fields)))
        return tuple(out)

    def vars(self, r: Reader, cases: tuple[Case, ...]) -> dict[str, Any]:
        node = r.mapping("vars")
        if node is None:
            return {}
        common = set.intersection(*(set(c.values) for c in cases)) if cases else set()
        out: dict[str, Any] = {}
        self.variables.step = IN_VARS
        for name, raw in node.items():
            self.identifier(name, node, "a variable")
            start = len(self.variables.uses)
            out[name] = self.variables.value(raw, node.value_position(name))
            for use in self.variables.uses[start:]:
                too_early = run_builtin_too_early(use)
                if too_early is not None:
                    self.problems.add(use.position, *too_early)
                elif not (is_always_known(use.name) or use.name in out or use.name in common):
                    self.problems.add(use.position, f"variable '{use.name}' is not known here",
                                      "vars may use vars declared above them, parametrize "
                                      "values, ${env:NAME} and built-ins")
            del self.variables.uses[start:]  # checked here, in declaration order
        return out

    def cases(self, r: Reader) -> tuple[Case, ...]:
        items = r.sequence("parametrize")
        if items is None:
            return ()
        if not items:
            self.problems.add(r.at("parametrize"), "parametrize needs at least one case")
        self.variables.step = IN_CASE
        out: list[Case] = []
        ids: set[str] = set()  # a set: 20,000 cases must not compare each with every other
        for index, raw in enumerate(items):
            case = self.case(raw, items.item_position(index), ids)
            if case is not None:
                out.append(case)
                ids.add(case.id)
        return tuple(out)

    def case(self, raw: Any, at: Position | None, earlier: set[str]) -> Case | None:
        node = as_mapping(self.problems, raw, at, "a parametrize case")
        if node is None:
            return None
        c = Reader(self.problems, node, "a parametrize case")
        c.keys(tuple(node), required=("id",))
        case_id = c.text("id", nonempty=True)
        if case_id is not None and not _CASE_ID.fullmatch(case_id):
            self.problems.add(c.at("id"), f"case id '{case_id}' is not valid",
                              "use letters, digits, '_', '.' and '-': it becomes part of the "
                              "test name, flow name[id]")
            case_id = None
        if case_id is not None and case_id in earlier:
            self.problems.add(c.at("id"), f"duplicate case id '{case_id}'",
                              "each parametrize case needs its own id")
            case_id = None
        values = {}
        for key, value in node.items():
            if key != "id":
                self.identifier(key, node, "a case value")
                values[key] = self.variables.value(value, node.value_position(key))
        return Case(case_id, values, node.pos) if case_id is not None else None

    def identifier(self, name: str, node: PosDict, what: str) -> None:
        if not IDENTIFIER.fullmatch(name):
            self.problems.add(node.key_position(name), f"'{name}' cannot name {what}: use an identifier",
                              "letters, digits and '_', not starting with a digit")

    def all_steps(self, r: Reader) -> tuple[Step, ...] | None:
        opening = self.steps.opening(r)
        items = r.sequence("steps") if r.get("steps") is not None else None
        steps: list[Step | None] = [opening]
        broken = opening is None
        for index, raw in enumerate(items or (), start=1):
            self.variables.step = index
            # a step's own position when it is a mapping (the usual case): no lookup needed
            at = raw.pos if isinstance(raw, PosDict) else cast(PosList, items).item_position(index - 1)
            step = self.steps.step(raw, at)
            broken = broken or step is None  # not `None in steps`: that calls each Step's __eq__
            steps.append(step)
        if broken:
            return None
        return cast(tuple[Step, ...], tuple(steps))
