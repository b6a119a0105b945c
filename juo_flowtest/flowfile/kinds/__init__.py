"""The step kinds: each module defines one (its action, parser, rendering, title, run, schema).

``KINDS`` is the registry the loader, the runner and the schema read. To add a kind: write a
module with a ``Kind`` subclass and ``KIND = ...``, and add it here.
"""

from __future__ import annotations

from juo_flowtest.flowfile.kinds import advance, attach, get, respond, start, wait
from juo_flowtest.flowfile.kinds.kind import Kind
from juo_flowtest.flowfile.model import Action

KINDS: tuple[Kind, ...] = (respond.KIND, get.KIND, wait.KIND, advance.KIND, start.KIND,
                           attach.KIND)

BY_KEY: dict[str, Kind] = {kind.key: kind for kind in KINDS}
_BY_ACTION: dict[type[Action], Kind] = {kind.action: kind for kind in KINDS}
#: The keys that open a flow (``start:``/``attach:`` at the top of a flow).
OPENING_KEYS: tuple[str, ...] = tuple(kind.key for kind in KINDS if kind.opening)
#: The keys a step of ``steps:`` may use as its action.
STEP_KEYS: tuple[str, ...] = tuple(kind.key for kind in KINDS if kind.in_steps)
#: The kinds a step of ``steps:`` may use, by key.
STEPS_BY_KEY: dict[str, Kind] = {kind.key: kind for kind in KINDS if kind.in_steps}


def kind_of(action: Action) -> Kind:
    """The kind that parsed ``action``."""
    return _BY_ACTION[type(action)]
