"""The flow as typed, frozen objects; each knows where in its file it came from.

The loader (``juo_flowtest.flowfile.loader``) is the only producer of these objects and the only place
raw YAML dicts exist. Everything downstream (runner, plugin, report, lint) reads these.

Values that may hold ``${...}`` placeholders are kept as ``Value`` trees: plain JSON-like data
in which every string containing a placeholder has been replaced at load time by a
``juo_flowtest.base.templating.Template``. ``templating.render(value, scope)`` turns a ``Value``
back into plain data at run time.

Expectations are compiled at load time into ``expect.checks.Expect`` (matcher trees), so a bad
operator or JSONPath is a load error, and each JSONPath is parsed exactly once. Each step's
action is the value of one step kind (``flowfile.kinds``).
"""

from __future__ import annotations

from dataclasses import field
from enum import Enum
from typing import Any, ClassVar

from juo_flowtest.base.position import Position
from juo_flowtest.base.records import record
from juo_flowtest.expect.checks import Expect

#: JSON-like data that may contain ``templating.Template`` leaves.
Value = Any


class _Unset(Enum):
    """Marks a key the flow did not write (distinct from an explicit ``null``)."""

    UNSET = "UNSET"


UNSET = _Unset.UNSET


@record
class Link:
    type: str
    name: str
    url: str


@record
class Headers:
    """Request headers a flow, step or start adds; a ``None`` value removes the header."""

    values: tuple[tuple[str, Value | None], ...] = ()


@record
class SaveSpec:
    """``save: {name: JSONPATH}`` or ``save: {name: {header: X-Header}}``."""

    name: str
    jsonpath: str | None
    parsed: Any  # parsed jsonpath_ng expression, or None for a header
    header: str | None
    position: Position


class Action:
    """Base of the value one step kind parses: each kind (``flowfile.kinds``) defines its own.

    ``KEY`` is the kind's YAML key (``respond``); an action that sends headers of its own
    (``start``, ``attach``) has a ``headers`` field.
    """

    __slots__ = ()
    KEY: ClassVar[str] = ""


@record
class Step:
    action: Action
    name: str | None = None
    expect: Expect | None = None
    save: tuple[SaveSpec, ...] = ()
    headers: Headers = Headers()
    position: Position | None = None


@record
class Case:
    """One ``parametrize`` entry: its id and its values (which become variables)."""

    id: str
    values: dict[str, Any]
    position: Position


@record
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


@record
class FlowFile:
    """A loaded file: its flows, in document order."""

    path: str
    flows: tuple[Flow, ...]
