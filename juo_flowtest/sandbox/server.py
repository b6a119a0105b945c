"""``Sandbox``: the app served by uvicorn in a background thread, for tests and the plugin.

::

    with Sandbox() as sb:             # or sb.start() ... sb.stop()
        httpx.get(sb.base_url + "/workflows/" + run_id, headers=...)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

import uvicorn

from juo_flowtest.base.errors import SandboxError
from juo_flowtest.sandbox import assumptions
from juo_flowtest.sandbox.app import create_app
from juo_flowtest.sandbox.catalog import Catalog
from juo_flowtest.sandbox.clock import Clock, SystemClock
from juo_flowtest.sandbox.definitions import Workflow
from juo_flowtest.sandbox.faults import FaultConfig
from juo_flowtest.sandbox.loading import WorkflowDirs, directories, load_directories
from juo_flowtest.sandbox.store import RunStore
from juo_flowtest.sandbox.tenants import SandboxConfig

START_TIMEOUT_S = 10.0


class Sandbox:
    """The embedded Juo workflow engine on 127.0.0.1, an ephemeral port, fresh state per start."""

    def __init__(
        self,
        workflows_dir: WorkflowDirs = None,
        config: SandboxConfig | None = None,
        faults: FaultConfig | None = None,
        clock: Clock | None = None,
        prefix: str = assumptions.DEFAULT_PREFIX,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        workflows: Sequence[Workflow] | None = None,
    ) -> None:
        """``workflows_dir``: one folder of definitions, several, or None for the examples;
        ``workflows``: definitions already loaded (then no folder is read)."""
        self.workflows_dirs = directories(workflows_dir)
        self._given = list(workflows) if workflows is not None else None
        self.config, self.faults, self.clock = config, faults, clock
        self.prefix, self.host, self.port = prefix, host, port
        self.base_url = ""
        self.store: RunStore | None = None
        self._catalog: Catalog | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def workflows(self) -> list[dict[str, Any]]:
        """The loaded workflows: ``{id, version, name, triggerType, status}`` each."""
        return [w.summary() for w in self._load().workflows]

    def _load(self) -> Catalog:
        if self._catalog is None:  # raises WorkflowDefinitionError on a bad directory
            loaded = self._given if self._given is not None else load_directories(
                self.workflows_dirs)
            self._catalog = Catalog(loaded)
        return self._catalog

    def start(self) -> str:
        """Serve in a background thread; return the base URL (``http://127.0.0.1:N/prefix``)."""
        if self._server is not None:
            raise SandboxError("the sandbox is already running; stop() it first")
        self.store = RunStore(self._load(), self.clock or SystemClock())
        app = create_app(config=self.config, faults=self.faults, prefix=self.prefix,
                         store=self.store)
        server = uvicorn.Server(uvicorn.Config(
            app, host=self.host, port=self.port, log_level="warning", lifespan="off",
            access_log=False, log_config=None, proxy_headers=False))
        thread = threading.Thread(target=server.run, name="juo-sandbox", daemon=True)
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not server.started:  # startup takes a few ms; poll rather than guess
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise SandboxError(f"the sandbox could not listen on {self.host}:{self.port}")
            time.sleep(0.002)
        port = server.servers[0].sockets[0].getsockname()[1]
        self._server, self._thread = server, thread
        prefix = "/" + self.prefix.strip("/") if self.prefix.strip("/") else ""
        self.base_url = f"http://{self.host}:{port}{prefix}"
        return self.base_url

    def stop(self) -> None:
        """Stop serving and join the thread; state is dropped."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=START_TIMEOUT_S)
        self._server = self._thread = None
        self.base_url = ""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
