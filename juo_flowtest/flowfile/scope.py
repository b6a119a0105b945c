"""The variable scope of a flow run: what ``${...}`` resolves to while a step is built.

Built-ins (``${run.id}``, ``${pending.stepId}``...) come from a ``CurrentRun`` snapshot, so a
step's ``expect`` still sees the run as it was before the step's call; then ``${env:NAME}``;
then the flow's variables (``vars``, case values, saved values).

Example::

    >>> scope = Scope({"reason": "too_expensive"}, None, {})
    >>> templating.render(templating.compile_value("r=${reason}"), scope.resolve)
    'r=too_expensive'
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple

from juo_flowtest.base import templating

_RUN_BUILTINS = frozenset({"run.id", "run.version", "pending.interactionId", "pending.stepId"})


class NoValue(Exception):
    """A known variable that has no value right now (``${run.id}`` before any run, unset env)."""


class CurrentRun(NamedTuple):
    """The current run as its last successful run state showed it; replaced, never mutated.

    A NamedTuple rather than a frozen dataclass: one is built per call, and it is 4x cheaper.
    """

    run_id: str
    version: Any
    workflow_key: str
    status: Any
    interaction_id: str | None  # of the pending interaction, None when there is none
    step_id: str | None
    action_type: str | None
    last_interaction_id: str | None  # survives the pending interaction going away


class Scope:
    """Resolves ``${...}``: built-ins from ``run`` (a snapshot), ``env:``, then variables."""

    __slots__ = ("env", "run", "values")

    def __init__(self, values: dict[str, Any], run: CurrentRun | None,
                 env: Mapping[str, str]) -> None:
        self.values, self.run, self.env = values, run, env

    def resolve(self, name: str) -> Any:
        if name == "uuid":
            return str(uuid.uuid4())
        if name in _RUN_BUILTINS:
            return self._builtin(name)
        if name.startswith(templating.ENV_PREFIX):
            var = name[len(templating.ENV_PREFIX):]
            if var not in self.env:
                raise NoValue(f"${{{name}}}: the environment variable {var} is not set")
            return self.env[var]
        try:
            return self.values[name]
        except KeyError:
            raise templating.UnknownVariable(name) from None

    def _builtin(self, name: str) -> Any:
        run = self.run
        if run is None:
            raise NoValue(f"${{{name}}} has no value yet: no run has been started or attached")
        if name == "run.id":
            return run.run_id
        if name == "run.version":
            return run.version
        value = run.interaction_id if name == "pending.interactionId" else run.step_id
        if value is None:
            raise NoValue(f"${{{name}}} has no value: the run has no pending interaction "
                          f"(status {run.status})")
        return value

    def known(self) -> str:
        """The names a flow may use here, for an unknown-variable message."""
        return ", ".join(sorted(self.values) + sorted(templating.BUILTINS) + ["env:NAME"])

    def problem(self, exc: templating.UnknownVariable | NoValue) -> str:
        """Why a value could not be rendered, as a broken step reports it."""
        if isinstance(exc, templating.UnknownVariable):
            return f"unknown variable ${{{exc.name}}}; known: {self.known()}"
        return str(exc)


#: What rendering through a ``Scope`` may raise (both become a broken step, never a traceback).
VariableError = (templating.UnknownVariable, NoValue)
