"""``expect`` and ``save`` blocks -> ``model.Expect`` / ``model.SaveSpec``, checked at load.

Each JSONPath is parsed once (``jsonpath_ng.ext``; memoised across files, since parsed
expressions are read-only) and each expectation compiled once into a ``Matcher``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jsonpath_ng.ext.parser import parse as _parse_jsonpath

from juo_flowtest.base.diagnostics import kind
from juo_flowtest.base.position import Position
from juo_flowtest.base.templating import Template, TemplateSyntaxError, compile_string
from juo_flowtest.expect.checks import Expect, FieldCheck, JsonPathCheck
from juo_flowtest.expect.literals import Equal, MappingOf, Null
from juo_flowtest.expect.matchers import Matcher, MatcherSyntaxError, compile_matcher
from juo_flowtest.flowfile.model import SaveSpec
from juo_flowtest.flowfile.variables import Variables
from juo_flowtest.source.fields import IDENTIFIER, Reader, as_mapping
from juo_flowtest.source.problems import Problems
from juo_flowtest.source.yamlsource import PosDict, child_position, pos_dict

#: expect key -> the keys into the response body it checks.
FIELD_PATHS: dict[str, tuple[str, ...]] = {
    "status": ("status",),
    "pending": ("pendingInteraction",),
    "outcome": ("outcome",),
    "endStep": ("completionData", "endStep"),
    "completion": ("completionData",),
    "error": ("error",),
    "result": ("result",),
    "invalidatedResources": ("invalidatedResources",),
    "interactiveSteps": ("interactiveSteps",),
    "body": (),
}
_FIELD_ORDER = {key: rank for rank, key in enumerate(FIELD_PATHS)}
EXPECT_KEYS = ("http", *FIELD_PATHS, "jsonpath", "headers", "maxMs", "schema")
_HTTP_WHY = "the HTTP status code is 'http'; 'status' is the run's status (waiting_interaction, completed...)"
_SHORT = "expect keys are short names: '{}' checks the response's {}"
#: Names people write in ``expect`` (response field names, other tools' words) -> the key.
EXPECT_ALIASES: dict[str, tuple[str, str]] = {
    **{name: ("http", _HTTP_WHY) for name in
       ("statusCode", "status_code", "httpStatus", "http_status", "code", "statuscode")},
    "pendingInteraction": ("pending", _SHORT.format("pending", "pendingInteraction")),
    "completionData": ("completion", _SHORT.format("completion", "completionData")),
    "runStatus": ("status", "'status' checks the run's status"),
}
#: JSONPath heads that name an expect key, not a response field -> the field's path.
_JSONPATH_FIELDS = {"pending": "pendingInteraction", "completion": "completionData",
                    "endStep": "completionData.endStep"}
#: Scalar types an expectation compares literally (``str`` too, when it holds no ``${``).
_LITERALS = frozenset({int, float, bool})


def _is_whole_placeholder(text: str) -> bool:
    try:
        compiled = compile_string(text)
    except TemplateSyntaxError:
        return False
    return isinstance(compiled, Template) and compiled.whole is not None


def _literal(raw: Any, at: Position) -> Matcher | None:
    """The matcher of an expectation made only of literals, as ``compile_matcher`` builds it.

    Most expectations are plain values (``http: 200``, ``status: completed``,
    ``pending: {stepId: x, actionType: y}``): building their ``Equal``/``Null``/``MappingOf``
    nodes here skips the compiler's set-up, about a tenth of loading a flow file. Anything
    else (an operator, a list, a ``${``, ``availableResponses``) answers None: compile it.
    """
    kind_of = raw.__class__
    if kind_of in _LITERALS or (kind_of is str and "${" not in raw):
        return Equal(raw, at)
    if raw is None:
        return Null(at)
    if kind_of is not PosDict:
        return None
    items = []
    for key, value in raw.items():
        if key.startswith("$") or key == "availableResponses":
            return None
        value_of = value.__class__
        if value_of is str and "${" not in value or value_of in _LITERALS:  # most children
            child: Matcher = Equal(value, raw.value_position(key))
        else:
            found = _literal(value, raw.value_position(key))
            if found is None:
                return None
            child = found
        items.append((key, child))
    return MappingOf(tuple(items), at)


class JsonPathError(ValueError):
    """A JSONPath expression that does not parse."""


@lru_cache(maxsize=4096)
def parse_jsonpath(expression: str) -> Any:
    """The parsed expression; raises ``JsonPathError`` with the parser's reason."""
    try:
        return _parse_jsonpath(expression)
    except Exception as exc:  # noqa: BLE001 - jsonpath_ng raises unrelated types (lexer, parser, ply)
        raise JsonPathError(str(exc) or type(exc).__name__) from None


class ExpectBuilder:
    """Builds ``Expect`` and save specs, reporting into one ``Problems``."""

    def __init__(self, problems: Problems, variables: Variables) -> None:
        self.problems = problems
        self.variables = variables
        #: saved name -> (index of the first step saving it, position), for the scope check.
        self.saved: dict[str, tuple[int, Position]] = {}

    def expect(self, raw: Any, at: Position, what: str = "expect") -> Expect | None:
        """``at`` is where ``raw`` is written: for a mapping, its own ``pos``."""
        node = as_mapping(self.problems, raw, at, what)
        if node is None:
            return None
        r = Reader(self.problems, node, what)
        r.keys(EXPECT_KEYS, aliases=EXPECT_ALIASES)
        present = [key for key in node if key in FIELD_PATHS]
        if len(present) > 1:
            present.sort(key=_FIELD_ORDER.__getitem__)  # FIELD_PATHS' order, not the file's
        fields = []
        for key in present:
            value_at = node.value_position(key)
            fields.append(FieldCheck(key, FIELD_PATHS[key], self.matcher(node[key], value_at),
                                     value_at))
        return Expect(  # positional: a record's keyword call costs more, once per step
            self.http(r) if "http" in node else None,
            tuple(fields),
            self.jsonpaths(r) if "jsonpath" in node else (),
            self.headers(r) if "headers" in node else None,
            self.max_ms(r) if "maxMs" in node else None,
            r.boolean("schema") is not False if "schema" in node else True,
            at,
        )

    def literal(self, raw: Any, at: Position) -> Expect | None:
        """The ``Expect`` that ``expect`` builds for the common block, built directly: an
        ``http`` code and response fields written as literals. None for anything else (another
        key, an operator, a placeholder, a value of the wrong type): ``expect`` then builds it
        and reports what is wrong. Nothing here can be a problem or use a variable, so none
        is reported or recorded.
        """
        if raw.__class__ is not PosDict:
            return None
        http = None
        present = []
        for key, value in raw.items():
            if key == "http":
                if value.__class__ is not int or not 100 <= value <= 599:
                    return None
                http = Equal(value, raw.value_position(key))
            elif key in FIELD_PATHS:
                present.append(key)
            else:
                return None
        if len(present) > 1:
            present.sort(key=_FIELD_ORDER.__getitem__)
        fields = []
        for key in present:
            value_at = raw.value_position(key)
            matcher = _literal(raw[key], value_at)
            if matcher is None:
                return None
            fields.append(FieldCheck(key, FIELD_PATHS[key], matcher, value_at))
        return Expect(http, tuple(fields), (), None, None, True, at)

    def matcher(self, raw: Any, at: Position) -> Matcher:
        literal = _literal(raw, at)
        if literal is not None:
            return literal
        self.variables.record(raw, at)  # the variable uses; the matcher has its own templates
        try:
            return compile_matcher(raw, at, child_position)
        except MatcherSyntaxError as exc:
            for problem in exc.problems:
                self.problems.add(problem.position or at, problem.message, problem.hint)
            return compile_matcher({"$any": True}, at, child_position)

    def http(self, r: Reader) -> Matcher:
        raw = r.get("http")
        at = r.at("http")
        if raw.__class__ is int and 100 <= raw <= 599:  # `http: 200`, the usual case
            return self.matcher(raw, at)
        template = isinstance(raw, str) and _is_whole_placeholder(raw)
        if isinstance(raw, bool) or not (isinstance(raw, (int, list, dict)) or template):
            r.wrong("http", "a status code, a list of codes or an operator mapping")
            raw = {"$any": True}
        elif isinstance(raw, int) and not 100 <= raw <= 599:
            self.problems.add(at, f"'http' in expect: {raw} is not an HTTP status code")
        if isinstance(raw, list):  # a list of codes means "one of them"
            raw = {"$in": raw}
        return self.matcher(raw, at)

    def jsonpaths(self, r: Reader) -> tuple[JsonPathCheck, ...]:
        node = r.mapping("jsonpath")
        if node is None:
            return ()
        checks = []
        for expression, raw in node.items():
            at = node.key_position(expression)
            parsed = self.parse(expression, at)
            matcher = self.matcher(raw, node.value_position(expression))
            if parsed is not None:
                checks.append(JsonPathCheck(expression, parsed, matcher, at))
        return tuple(checks)

    def parse(self, expression: str, at: Position) -> Any:
        head = re.match(r"\$\.([A-Za-z_]\w*)", expression)
        if head and head.group(1) in _JSONPATH_FIELDS:
            field = _JSONPATH_FIELDS[head.group(1)]
            fixed = f"$.{field}{expression[head.end():]}"
            self.problems.add(at, f"JSONPath '{expression}' names '{head.group(1)}', which is an "
                              f"expect key, not a field of the response — did you mean "
                              f"'{fixed}'?", f"the run state's field is {field}")
            return None
        try:
            return parse_jsonpath(expression)
        except JsonPathError as exc:
            self.problems.add(at, f"bad JSONPath '{expression}': {exc}",
                              "JSONPath looks like $.pendingInteraction.stepId or "
                              "$.result.effects[?(@.type=='apply_discount')]")
            return None

    def headers(self, r: Reader) -> Matcher | None:
        node = r.mapping("headers")
        if node is None:
            return None
        lowered = pos_dict(node.path, node.line, node.column)
        for name, value in node.items():
            low = name.lower()
            if low in lowered:
                self.problems.add(node.key_position(name), f"header '{name}' is expected twice "
                                  "(header names are case-insensitive)")
            lowered[low] = value
            lowered.marks[low] = node.marks[name]
        return self.matcher(lowered, node.pos)

    def max_ms(self, r: Reader) -> float | None:
        raw = r.get("maxMs")
        if raw is None and not r.has("maxMs"):
            return None
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw <= 0:
            got = str(raw) if isinstance(raw, (int, float)) else kind(raw)
            self.problems.add(r.at("maxMs"), f"'maxMs' in expect: expected a positive number "
                              f"of milliseconds, got {got}")
            return None
        return float(raw)

    def save(self, raw: Any, at: Position) -> tuple[SaveSpec, ...]:
        node = as_mapping(self.problems, raw, at, "save")
        if node is None:
            return ()
        specs = []
        for name, source in node.items():
            spec = self.save_one(node, name, source)
            if spec is not None:
                specs.append(spec)
        return tuple(specs)

    def save_one(self, node: PosDict, name: str, source: Any) -> SaveSpec | None:
        key_at, at = node.key_position(name), node.value_position(name)
        self.saved.setdefault(name, (self.variables.step, key_at))
        if not IDENTIFIER.fullmatch(name):
            self.problems.add(key_at, f"cannot save to '{name}': a variable name is an "
                              "identifier", "use letters, digits and '_', e.g. first_run")
        if isinstance(source, str):
            parsed = self.parse(source, at)
            return SaveSpec(name, source, parsed, None, key_at) if parsed is not None else None
        if isinstance(source, PosDict) and list(source) == ["header"] and isinstance(
                source["header"], str) and source["header"].strip():
            return SaveSpec(name, None, None, source["header"], key_at)
        self.problems.add(at, f"save '{name}': expected a JSONPath string or {{header: NAME}}, "
                          f"got {kind(source)}", "e.g. save: {run: $.runId, "
                          "trace: {header: X-Trace-Id}}")
        return None
