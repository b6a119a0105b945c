"""scope: what ``${...}`` resolves to, and the messages when it cannot."""

from __future__ import annotations

import pytest

from juo_flowtest.base import templating
from juo_flowtest.flowfile.scope import CurrentRun, NoValue, Scope

RUN = CurrentRun("run-1", 3, "wf@1", "waiting_interaction", "int-2", "offer", "offer_discount",
                 "int-2")


def test_variables_env_and_builtins_resolve() -> None:
    scope = Scope({"reason": "other", "n": 2}, RUN, {"SHOP": "s.test"})
    assert scope.resolve("reason") == "other" and scope.resolve("n") == 2
    assert scope.resolve("env:SHOP") == "s.test"
    assert [scope.resolve(b) for b in ("run.id", "run.version", "pending.interactionId",
                                       "pending.stepId")] == ["run-1", 3, "int-2", "offer"]
    assert scope.resolve("uuid") != scope.resolve("uuid")


def test_builtins_without_a_run_or_a_pending_interaction_have_no_value() -> None:
    with pytest.raises(NoValue, match=r"\$\{run.id\} has no value yet: no run has been started"):
        Scope({}, None, {}).resolve("run.id")
    done = RUN._replace(interaction_id=None, step_id=None, status="completed")
    with pytest.raises(NoValue, match="the run has no pending interaction .status completed."):
        Scope({}, done, {}).resolve("pending.stepId")
    with pytest.raises(NoValue, match="the environment variable HOME_X is not set"):
        Scope({}, None, {}).resolve("env:HOME_X")


def test_an_unknown_variable_is_reported_with_the_known_names() -> None:
    scope = Scope({"b": 1, "a": 2}, None, {})
    with pytest.raises(templating.UnknownVariable) as info:
        scope.resolve("c")
    assert scope.problem(info.value) == (
        "unknown variable ${c}; known: a, b, pending.interactionId, pending.stepId, run.id, "
        "run.version, uuid, env:NAME")
    assert scope.problem(NoValue("why")) == "why"
