"""Sandbox benchmark: respond throughput and latency over loopback, memory per finished run.

    .venv/bin/python bench/sandbox_bench.py            # ~10 s
    .venv/bin/python bench/sandbox_bench.py --quick    # smoke run, ~2 s
    .venv/bin/python bench/sandbox_bench.py --instructions   # + callgrind counts, ~3 min
    bench/.venv/bin/python bench/sandbox_bench.py --stacks   # + the same on granian

``--stacks`` serves the sandbox and the stack's floor on another ASGI server too (granian, a
Rust HTTP server; pinned in ``bench/requirements.txt``, so ``bench/.venv`` has it), to see
whether a different server would lower the floor.

The server runs in its own process (``python -m juo_flowtest.sandbox.command --port 0``);
clients are threads with one keep-alive ``httpx.Client`` each, each driving its own runs of
the cancellation workflow (start, then responds next -> other -> confirm). Memory is measured
in-process with tracemalloc on the engine and store alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import httpx

from juo_flowtest.sandbox.catalog import Catalog
from juo_flowtest.sandbox.clock import ManualClock
from juo_flowtest.sandbox.loading import EXAMPLES_DIR, load_directory
from juo_flowtest.sandbox.store import RunStore

HEADERS = {"X-Tenant-ID": "sandbox.myshopify.com", "X-Delegated-Token": "sandbox-token"}
FLOW_TYPE = "subscription_cancellation_requested"
START: dict[str, Any] = {"flowType": FLOW_TYPE,
                         "context": {"subscriptionId": "gid://shopify/SubscriptionContract/1001"}}
ANSWERS = ("next", "other", "confirm")


BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
STACK_FLOOR = os.path.join(BENCH_DIR, "stackfloor.py")
#: Other ASGI servers ``--stacks`` compares, each as it is best configured for one client at
#: a time: one worker process, a single-threaded runtime, uvloop, HTTP/1.1 only.
OTHER_SERVERS = {"granian": ["--interface", "asgi", "--workers", "1", "--runtime-mode", "st",
                             "--runtime-threads", "1", "--loop", "uvloop", "--http", "1",
                             "--no-ws", "--log-level", "warning"]}


def serve(floor: bool = False, prefix: tuple[str, ...] = (),
          server: str = "uvicorn") -> tuple[subprocess.Popen[str], str]:
    """The sandbox (or, with ``floor``, the bare ASGI app of ``stackfloor.py``) in its own
    process, its command run under ``prefix`` (valgrind); its base URL. ``server`` other than
    uvicorn: one of ``OTHER_SERVERS``, serving the same two apps."""
    if server != "uvicorn":
        return serve_on(server, floor)
    command = ([sys.executable, STACK_FLOOR, "--port", "0"] if floor else
               [sys.executable, "-m", "juo_flowtest.sandbox.command", "--port", "0"])
    # Counted, the server hashes strings the same way every time: with a random seed, dict
    # layouts (and so the count) moved ~1 % from one run of the same code to the next.
    env = {**os.environ, "PYTHONHASHSEED": "0"} if prefix else None
    proc = subprocess.Popen([*prefix, *command], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line.split("serving on ", 1)[1].split()[0]


def serve_on(server: str, floor: bool) -> tuple[subprocess.Popen[str], str]:
    """The app on another server (which runs it in a worker process of its own)."""
    with socket.socket() as probe:  # the server prints no port it picked: give it one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = ["stackfloor:app"] if floor else ["--factory", "juo_flowtest.sandbox.app:create_app"]
    proc = subprocess.Popen([sys.executable, "-m", server, *OTHER_SERVERS[server], "--port",
                             str(port), "--working-dir", BENCH_DIR, *target], text=True,
                            stdout=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}" + ("" if floor else "/customer/v1")
    deadline = time.monotonic() + 30
    while True:  # up when it answers anything
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc, base_url
        except httpx.TransportError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"{server} did not start serving on port {port}") from None
            time.sleep(0.05)


def tree_cpu_seconds(pid: int) -> float:
    """``cpu_seconds`` of a process and every process under it (a server's workers)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            kids = [int(k) for k in children.read().split()]
    except OSError:
        kids = []
    return cpu_seconds(pid) + sum(tree_cpu_seconds(kid) for kid in kids)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (Linux /proc); 0 where unavailable."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client_loop(base_url: str, until: float, latencies: list[float], floor: bool) -> None:
    with httpx.Client(base_url=base_url, headers=HEADERS, timeout=10) as client:
        # At least one whole run, however loaded the machine: a smoke run must report something.
        while time.perf_counter() < until or not latencies:
            state = client.post("/workflows/start", json=START).json()
            for answer in ANSWERS:
                body = {"interactionId": state["pendingInteraction"]["interactionId"],
                        "responseType": answer, "expectedRunVersion": state["runVersion"]}
                began = time.perf_counter()
                response = client.post(f"/workflows/{state['runId']}/respond", json=body)
                latencies.append(time.perf_counter() - began)
                state = response.json()
            # The stack's floor answers one fixed run state: only the sandbox completes runs.
            assert floor or state["status"] == "completed", state


def throughput(clients: int, seconds: float, floor: bool = False,
               server: str = "uvicorn") -> float:
    """Run the clients against the sandbox (or the stack's floor); the server CPU per request
    in microseconds (0 where it cannot be read)."""
    proc, base_url = serve(floor, server=server)
    try:
        per_thread: list[list[float]] = [[] for _ in range(clients)]
        until = time.perf_counter() + seconds
        threads = [threading.Thread(target=client_loop, args=(base_url, until, lat, floor))
                   for lat in per_thread]
        cpu_before = tree_cpu_seconds(proc.pid)  # excludes the server's imports and start-up
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        server_cpu = tree_cpu_seconds(proc.pid) - cpu_before
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    latencies = sorted(x for lat in per_thread for x in lat)
    if not latencies:
        raise SystemExit("no respond completed: is the server up?")
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    if server != "uvicorn":
        print(f"on {server} ({' '.join(OTHER_SERVERS[server])}): "
              f"{'the bare ASGI app of bench/stackfloor.py' if floor else 'the sandbox'}:")
    elif floor:
        print("the stack's floor (bench/stackfloor.py: uvicorn + httptools + uvloop, a bare "
              "ASGI app answering a fixed run state of the same size):")
    print(f"responds: {len(latencies)} in {elapsed:.2f} s with {clients} clients "
          f"(plus {len(latencies) // len(ANSWERS)} starts)")
    print(f"  {len(latencies) / elapsed:,.0f} responds/s (server process, one event loop)")
    requests = len(latencies) * (len(ANSWERS) + 1) // len(ANSWERS)
    if server_cpu:
        print(f"  server CPU {server_cpu:.2f} s for {requests} requests = "
              f"{server_cpu / requests * 1e6:.0f} us each -> ~{requests / server_cpu:,.0f} "
              "requests/s on one free core")
    print(f"  latency p50 {statistics.median(latencies) * 1000:.2f} ms, "
          f"p99 {p99 * 1000:.2f} ms")
    return server_cpu / requests * 1e6 if server_cpu else 0.0


def drive(base_url: str, runs: int) -> None:
    """``runs`` whole runs (a start and three responds each) from one client."""
    with httpx.Client(base_url=base_url, headers=HEADERS, timeout=120) as client:
        for _ in range(runs):
            state = client.post("/workflows/start", json=START).json()
            for answer in ANSWERS:
                body = {"interactionId": state["pendingInteraction"]["interactionId"],
                        "responseType": answer, "expectedRunVersion": state["runVersion"]}
                state = client.post(f"/workflows/{state['runId']}/respond", json=body).json()


def counted(floor: bool, runs: int) -> int:
    """Instructions the server process executed in all, serving ``runs`` runs (callgrind)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        proc, base_url = serve(floor, ("valgrind", "--tool=callgrind", "--quiet",
                                       f"--callgrind-out-file={out}"))
        try:
            drive(base_url, runs)
        finally:
            proc.terminate()  # uvicorn shuts down cleanly; callgrind then writes its counts
            proc.wait(timeout=120)
        found = re.search(r"^summary:\s+(\d+)", out.read_text(errors="replace"), re.MULTILINE)
        if not found:
            raise SystemExit(f"no instruction count in callgrind's output ({out})")
        return int(found.group(1))


def instructions(runs: int) -> None:
    """Instructions per request, sandbox and stack floor: the difference between serving
    ``runs`` and ``3 x runs`` runs, so start-up and imports cancel out."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    per: dict[bool, float] = {}
    for floor in (False, True):
        few, many = counted(floor, runs), counted(floor, 3 * runs)
        per[floor] = (many - few) / (2 * runs * (len(ANSWERS) + 1))
        print(f"{'stack floor' if floor else 'sandbox'}: {per[floor]:,.0f} instructions per "
              f"request ({runs:,} and {3 * runs:,} runs: {few:,} and {many:,})", flush=True)
    print(f"sandbox / stack floor: {per[False] / per[True]:.2f}x in instructions "
          f"(the sandbox's own work: ~{per[False] - per[True]:,.0f} per request)")


def stacks(clients: int, seconds: float, measured: dict[str, tuple[float, float]]) -> None:
    """The same two measures on each other server installed; a line per server."""
    for server in OTHER_SERVERS:
        if importlib.util.find_spec(server) is None:
            print(f"{server} is not installed: pip install -r bench/requirements.txt "
                  "(bench/.venv has it)")
            continue
        measured[server] = (throughput(clients, seconds, server=server),
                            throughput(clients, seconds, floor=True, server=server))
    for server, (sandbox, floor) in measured.items():
        print(f"{server:>8}: sandbox {sandbox:.0f} us, bare app {floor:.0f} us of server CPU "
              "per request")


def memory(runs: int) -> None:
    store = RunStore(Catalog(load_directory(EXAMPLES_DIR)), ManualClock())
    owner = ("sandbox.myshopify.com", "customer-1")
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for i in range(runs):
        context = {"subscriptionId": f"gid://shopify/SubscriptionContract/{i}"}
        state = store.start(owner, FLOW_TYPE, None, context, False)
        for answer in ANSWERS:
            state = store.respond(owner, state["runId"],
                                  state["pendingInteraction"]["interactionId"], answer, None,
                                  state["runVersion"])
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    print(f"memory: {grown / runs / 1024:.2f} KB per finished run "
          f"({runs:,} runs, {grown / 1024 / 1024:.1f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--instructions", action="store_true",
                        help="also count the server's instructions per request under "
                             "valgrind's callgrind (deterministic, unlike CPU time)")
    parser.add_argument("--stacks", action="store_true",
                        help="also serve both apps on the other ASGI servers installed "
                             f"({', '.join(OTHER_SERVERS)}) and compare")
    parser.add_argument("--runs", type=int, default=50,
                        help="with --instructions: runs served in the smaller of the two "
                             "counts (the larger serves 3x as many)")
    args = parser.parse_args(argv)
    seconds, runs = (1.0, 500) if args.quick else (args.seconds, 10_000)
    sandbox = throughput(args.clients, seconds)
    floor = throughput(args.clients, seconds, floor=True)
    if sandbox and floor:
        print(f"sandbox / stack floor: {sandbox:.0f} / {floor:.0f} us of server CPU per request "
              f"= {sandbox / floor:.2f}x (the sandbox's own work: ~{sandbox - floor:.0f} us)")
    if args.stacks:
        stacks(args.clients, seconds, {"uvicorn": (sandbox, floor)})
    memory(runs)
    if args.instructions:
        instructions(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
