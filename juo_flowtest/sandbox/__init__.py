"""The sandbox: an embedded simulator of Juo's customer workflow API that executes workflows.

::

    from juo_flowtest.sandbox import Sandbox, SandboxConfig, FaultConfig, ManualClock
    with Sandbox(clock=ManualClock()) as sb:
        sb.base_url      # http://127.0.0.1:PORT/customer/v1

Module map: ``assumptions`` (every Part B choice), ``definitions``/``loading``/``graph``/
``source`` (workflow files), ``conditions``, ``engine`` (pure state machine), ``store``,
``catalog``, ``tenants``, ``clock``, ``ids``, ``faults``, ``openapi``, ``call``/``customerapi``
(the customer API, framework-free), ``front`` (its fast way in), ``app`` (Starlette behind
``front``), ``server`` (uvicorn thread), ``command`` (CLI).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from juo_flowtest.sandbox.app import create_app
    from juo_flowtest.sandbox.clock import Clock, ManualClock, SystemClock
    from juo_flowtest.sandbox.faults import FaultConfig
    from juo_flowtest.sandbox.server import Sandbox
    from juo_flowtest.sandbox.tenants import SandboxConfig

#: Imported on first use: reading workflow definitions (``definitions``, ``conditions``) must
#: not pull in Starlette and uvicorn, which a pytest run would then import before its own
#: plugins (anyio's assertion rewriting warns about that).
_LAZY = {"create_app": "app", "Clock": "clock", "ManualClock": "clock", "SystemClock": "clock",
         "FaultConfig": "faults", "Sandbox": "server", "SandboxConfig": "tenants"}

__all__ = ["Clock", "FaultConfig", "ManualClock", "Sandbox", "SandboxConfig", "SystemClock",
           "create_app"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'juo_flowtest.sandbox' has no attribute {name!r}")
    return getattr(importlib.import_module(f"juo_flowtest.sandbox.{module}"), name)
