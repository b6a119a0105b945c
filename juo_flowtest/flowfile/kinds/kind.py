"""One kind of step, in one place: how it is parsed, rendered, titled and run.

A kind is a ``Kind`` subclass in a module of this package, listed in ``KINDS``
(``flowfile.kinds.__init__``); the loader, the runner, the titles and the JSON Schema all go
through that list, so a new kind is one module plus its line there.

A step runs in four moves, each the kind's:

1. ``render``: the value the step renders first, through the scope as it is *before* the call
   (``${run.id}`` in the step's ``expect`` still means the run before it);
2. ``title``: the step's title from that value (the report shows it);
3. ``run``: the calls, through a ``StepRun`` the runner hands it (``call`` judges a response
   against the step's ``expect``, records it, saves and follows the run);
4. ``schema``: the JSON Schema of the kind's value, for editors.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar, Protocol

from juo_flowtest.base.outcome import Mismatch
from juo_flowtest.base.position import Position
from juo_flowtest.expect.checks import Expect
from juo_flowtest.flowfile.builders import NO_HEADERS, Builders
from juo_flowtest.flowfile.model import Action, Headers
from juo_flowtest.flowfile.scope import CurrentRun, Scope
from juo_flowtest.target.client import ApiResponse, JuoClient


class CallRecordLike(Protocol):
    """What a kind reads of a recorded call: its mismatches (``run.result.CallRecord``)."""

    @property
    def mismatches(self) -> tuple[Mismatch, ...]: ...


#: Request headers to add (a None value removes the header), or None for none at all.
RequestHeaders = dict[str, Any] | None


class StepRun(Protocol):
    """What a kind may do while its step runs; the runner implements it for each step."""

    client: JuoClient
    scope: Scope  # the scope before the call
    headers: RequestHeaders  # the flow's, the action's and the step's, rendered
    expect: Expect | None  # the step's expect
    clock: Callable[[], float]
    sleep: Callable[[float], None]
    controls: bool  # the target has the sandbox-only controls (clock, variant pins)

    @property
    def current(self) -> CurrentRun | None:
        """The run the flow follows, as its last run state showed it."""
        ...

    def call(self, kind: str, title: str, response: ApiResponse,
             answered: tuple[CurrentRun, str] | None = None) -> None:
        """Judge ``response`` against the step's expect, record it, save, follow the run.

        ``answered``: the run a respond answered and its response type, for coverage.
        """
        ...

    def poll(self, title: str, response: ApiResponse, until: Expect) -> CallRecordLike:
        """Record one poll judged against ``until`` and follow the run; a poll that cannot be
        judged makes the step broken (check ``stopped``)."""
        ...

    def settle(self, response: ApiResponse) -> None:
        """After polling: check the step's expect against ``response`` and save from it."""
        ...

    def fail(self, *mismatches: Mismatch) -> None: ...

    def broken(self, reason: str) -> None: ...

    def skip(self, reason: str) -> None:
        """The flow cannot be run here as written (e.g. a wait too long for a real target)."""
        ...

    def pin(self, variants: dict[str, str]) -> None:
        """The variants the flow covers: a run that gets another one skips the rest."""
        ...

    @property
    def stopped(self) -> bool:
        """True once the step is broken or skipped."""
        ...


class Kind(ABC):
    """A step kind: subclass it, set the class attributes, implement ``parse`` and ``run``."""

    #: The YAML key (``respond``) and the action class it parses to.
    key: ClassVar[str]
    action: ClassVar[type[Action]]
    #: Where it may be written: as a flow's opening (``start:``/``attach:`` at the top) and as
    #: an item of ``steps:``.
    opening: ClassVar[bool] = False
    in_steps: ClassVar[bool] = True
    #: JSON Schema of the kind's value (``$ref``s point into the flow schema's ``$defs``).
    schema: ClassVar[dict[str, Any]]
    #: What the kind's value is, for the docs' and the schema's description.
    summary: ClassVar[str]

    @abstractmethod
    def parse(self, raw: Any, at: Position, build: Builders) -> Action | None:
        """The action written as ``raw`` at ``at``; None (after reporting) when it is invalid."""

    def shorthand(self, raw: Any) -> Action | None:
        """The action ``parse`` would return for ``raw`` when that needs neither its position
        nor the builders (it cannot be wrong and uses no variable); else None.

        The loader's fast path for plain steps (``respond: TYPE``) asks this first, so most
        steps make no position for their action's value, which nothing would keep.
        """
        return None

    def render(self, action: Any, scope: Scope) -> Any:
        """The value the step renders first (its title and its call both use it)."""
        return None

    def title(self, action: Any, rendered: Any) -> str:
        """The step's title, from the value ``render`` returned."""
        return self.key

    def headers(self, action: Any) -> Headers:
        """Headers the action itself adds (``start``/``attach`` may write some)."""
        return NO_HEADERS

    @abstractmethod
    def run(self, action: Any, rendered: Any, step: StepRun) -> None:
        """Make the step's calls through ``step``."""

    def needs_run(self, step: StepRun) -> CurrentRun | None:
        """The current run, or None after reporting that this kind needs one."""
        run = step.current
        if run is None:
            step.broken(f"{self.key} needs a current run, and there is none: the flow must "
                        "start or attach a run first")
        return run


def text(value: Any) -> str:
    """A rendered value as request text: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, default=str)
