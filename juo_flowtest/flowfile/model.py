"""The flow as typed, frozen objects; each knows where in its file it came from.

The loader (``juo_flowtest.flowfile.loader``) is the only producer of these objects and the only place
raw YAML dicts exist. Everything downstream (runner, plugin, report, lint) reads these.

Values that may hold ``${...}`` placeholders are kept as ``Value`` trees: plain JSON-like data
in which every string containing a placeholder has been replaced at load time by a
``juo_flowtest.base.templating.Template``. ``templating.render(value, scope)`` turns a ``Value``
back into plain data at run time.

Expectations are compiled at load time into ``juo_flowtest.expect.matchers.Matcher`` trees, so a bad
operator or JSONPath is a load error, and each JSONPath is parsed exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from juo_flowtest.base.position import Position

if TYPE_CHECKING:
    from juo_flowtest.expect.matchers import Matcher

#: JSON-like data that may contain ``templating.Template`` leaves.
Value = Any


class _Unset(Enum):
    """Marks a key the flow did not write (distinct from an explicit ``null``)."""

    UNSET = "UNSET"


UNSET = _Unset.UNSET


@dataclass(frozen=True, slots=True)
class Link:
    type: str
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Headers:
    """Request headers a flow, step or start adds; a ``None`` value removes the header."""

    values: tuple[tuple[str, Value | None], ...] = ()


@dataclass(frozen=True, slots=True)
class JsonPathCheck:
    """One ``expect.jsonpath`` entry: the expression as written, its parsed form, the matcher."""

    expression: str
    parsed: Any  # jsonpath_ng expression, parsed once at load
    matcher: Matcher
    position: Position


@dataclass(frozen=True, slots=True)
class FieldCheck:
    """An expectation on one place of the response.

    ``label`` is the flow-file key (``status``, ``pending``, ``endStep``...), ``path`` the keys
    into the response body (``("completionData", "endStep")``). For ``error`` the runner reads
    the run state's ``error`` on a 2xx and the whole error body otherwise.
    """

    label: str
    path: tuple[str, ...]
    matcher: Matcher
    position: Position


@dataclass(frozen=True, slots=True)
class Expect:
    http: Matcher | None = None
    fields: tuple[FieldCheck, ...] = ()
    jsonpath: tuple[JsonPathCheck, ...] = ()
    headers: Matcher | None = None  # matched against a dict of lower-cased header names
    max_ms: float | None = None
    schema: bool = True
    position: Position | None = None


@dataclass(frozen=True, slots=True)
class SaveSpec:
    """``save: {name: JSONPATH}`` or ``save: {name: {header: X-Header}}``."""

    name: str
    jsonpath: str | None
    parsed: Any  # parsed jsonpath_ng expression, or None for a header
    header: str | None
    position: Position


@dataclass(frozen=True, slots=True)
class StartAction:
    """POST /workflows/start. ``body`` holds flowType, context, workflowId, dryRun as written."""

    body: Value
    headers: Headers = Headers()


@dataclass(frozen=True, slots=True)
class AttachAction:
    """GET /workflows/{runId} of an existing run, which becomes the current run."""

    run_id: Value
    headers: Headers = Headers()


@dataclass(frozen=True, slots=True)
class RespondAction:
    """POST /workflows/{runId}/respond.

    ``interaction_id`` / ``expected_run_version``: ``UNSET`` means "thread from the current
    run state"; ``None`` means "send none" (only meaningful for the version).
    """

    response_type: Value
    data: Value = None
    interaction_id: Value = UNSET
    expected_run_version: Value = UNSET


@dataclass(frozen=True, slots=True)
class GetAction:
    """GET /workflows/{runId} of the current run."""


@dataclass(frozen=True, slots=True)
class WaitAction:
    """GET until ``until`` matches or ``timeout_s`` passes (backoff from ``interval_s``)."""

    until: Expect
    timeout_s: float = 10.0
    interval_s: float = 0.25


Action = StartAction | AttachAction | RespondAction | GetAction | WaitAction


@dataclass(frozen=True, slots=True)
class Step:
    action: Action
    name: str | None = None
    expect: Expect | None = None
    save: tuple[SaveSpec, ...] = ()
    headers: Headers = Headers()
    position: Position | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """One ``parametrize`` entry: its id and its values (which become variables)."""

    id: str
    values: dict[str, Any]
    position: Position


@dataclass(frozen=True, slots=True)
class Flow:
    """One YAML document of a flow file.

    The opening action (``start:`` or ``attach:`` with the top-level ``expect``/``save``) is
    ``steps[0]``; the flow's ``steps:`` follow it. Each ``Case`` of ``cases`` is one test;
    a flow without ``parametrize`` has no cases and is one test.
    """

    name: str
    steps: tuple[Step, ...]
    position: Position
    description: str | None = None
    tags: tuple[str, ...] = ()
    severity: str | None = None  # blocker | critical | normal | minor | trivial
    feature: str | None = None
    epic: str | None = None
    story: str | None = None
    owner: str | None = None
    links: tuple[Link, ...] = ()
    skip: str | None = None
    xfail: str | None = None
    vars: dict[str, Value] = field(default_factory=dict)
    headers: Headers = Headers()
    cases: tuple[Case, ...] = ()


@dataclass(frozen=True, slots=True)
class FlowFile:
    """A loaded file: its flows, in document order."""

    path: str
    flows: tuple[Flow, ...]
