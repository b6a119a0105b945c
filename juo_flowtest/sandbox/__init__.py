"""The sandbox: an embedded simulator of Juo's customer workflow API that executes workflows.

::

    from juo_flowtest.sandbox import Sandbox, SandboxConfig, FaultConfig, ManualClock
    with Sandbox(clock=ManualClock()) as sb:
        sb.base_url      # http://127.0.0.1:PORT/customer/v1

Module map: ``assumptions`` (every Part B choice), ``definitions``/``loading``/``graph``/
``source`` (workflow files), ``conditions``, ``engine`` (pure state machine), ``store``,
``catalog``, ``tenants``, ``clock``, ``faults``, ``openapi``, ``app`` (Starlette), ``server``
(uvicorn thread), ``command`` (CLI).
"""

from juo_flowtest.sandbox.app import create_app
from juo_flowtest.sandbox.clock import Clock, ManualClock, SystemClock
from juo_flowtest.sandbox.faults import FaultConfig
from juo_flowtest.sandbox.server import Sandbox
from juo_flowtest.sandbox.tenants import SandboxConfig

__all__ = ["Clock", "FaultConfig", "ManualClock", "Sandbox", "SandboxConfig", "SystemClock",
           "create_app"]
