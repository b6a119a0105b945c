"""kinds: one registry that the loader, the runner and the schema all read."""

from __future__ import annotations

import json

import pytest

from juo_flowtest.flowfile import kinds
from juo_flowtest.flowfile.kinds.kind import Kind
from juo_flowtest.flowfile.schema import schema


def test_every_kind_is_registered_once_with_its_own_action_class() -> None:
    keys = [kind.key for kind in kinds.KINDS]
    assert len(keys) == len(set(keys))
    assert len({kind.action for kind in kinds.KINDS}) == len(kinds.KINDS)
    for kind in kinds.KINDS:
        assert isinstance(kind, Kind)
        assert kind.action.KEY == kind.key
        assert kinds.BY_KEY[kind.key] is kind
        assert kinds.kind_of(kind.action.__new__(kind.action)) is kind


def test_the_opening_and_step_keys_come_from_the_kinds() -> None:
    assert kinds.OPENING_KEYS == ("start", "attach")
    assert set(kinds.STEP_KEYS) >= {"respond", "get", "wait", "start"}
    assert "attach" not in kinds.STEP_KEYS


@pytest.mark.parametrize("kind", kinds.KINDS, ids=lambda k: k.key)
def test_the_shipped_schema_holds_each_kind_as_the_kind_declares_it(kind: Kind) -> None:
    shipped = schema()
    assert shipped["$defs"][kind.key] == json.loads(json.dumps(kind.schema))
    step_actions = [branch["required"][0] for branch in shipped["$defs"]["step"]["oneOf"]]
    assert (kind.key in step_actions) == kind.in_steps
    opening = [branch["required"][0] for branch in shipped["oneOf"]]
    assert (kind.key in opening) == kind.opening


def test_the_shipped_schema_is_what_the_kinds_build() -> None:
    from juo_flowtest.flowfile.schema import built

    assert schema() == built(), "run: python -m juo_flowtest.flowfile.schema --write"
