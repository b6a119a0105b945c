"""``juo-flowtest sandbox``: serve the sandbox in the foreground with uvicorn.

``juo-flowtest sandbox`` calls ``configure_parser`` and ``command``;
``python -m juo_flowtest.sandbox.command`` runs it standalone (the benchmark does).
"""

from __future__ import annotations

import argparse
import socket
import sys

import uvicorn

from juo_flowtest.base.errors import ConfigError, WorkflowDefinitionError
from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.sandbox import assumptions
from juo_flowtest.sandbox.app import create_app
from juo_flowtest.sandbox.faults import FaultConfig
from juo_flowtest.sandbox.tenants import SandboxConfig


def _port(text: str) -> int:
    """A TCP port number, or an argparse error (exit 4) saying what is allowed."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is out of range: use 0..65535 (0 picks one)")
    return port


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the sandbox options to ``parser``."""
    parser.add_argument("--workflows", metavar="DIR", default=None,
                        help="directory of *.workflow.yaml/json files (default: the examples)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=_port, default=8077,
                        help="0..65535; 0 picks a free port (default 8077)")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="tenants/tokens file (default: sandbox.myshopify.com, "
                             "sandbox-token, sandbox-token-2)")
    parser.add_argument("--prefix", default=assumptions.DEFAULT_PREFIX)
    faults = parser.add_argument_group("fault injection")
    faults.add_argument("--fault-seed", type=int, default=0)
    faults.add_argument("--fault-latency-ms", type=float, default=0.0)
    faults.add_argument("--fault-error-rate", type=float, default=0.0)
    faults.add_argument("--fault-drop-rate", type=float, default=0.0)
    faults.add_argument("--fault-malformed-rate", type=float, default=0.0)
    faults.add_argument("--fault-missing-field-rate", type=float, default=0.0)


def command(args: argparse.Namespace) -> int:
    """Serve until interrupted; bad workflows exit 2 (INVALID), bad options 4 (USAGE)."""
    try:
        faults = FaultConfig(args.fault_seed, args.fault_latency_ms, args.fault_error_rate,
                             args.fault_drop_rate, args.fault_malformed_rate,
                             args.fault_missing_field_rate)
        config = SandboxConfig.from_file(args.config) if args.config else None
        app = create_app(args.workflows, config, faults, prefix=args.prefix)
    except WorkflowDefinitionError as exc:
        print(exc, file=sys.stderr)
        print(f"{len(exc.diagnostics)} problem(s) in the workflow definitions", file=sys.stderr)
        return int(ExitCode.INVALID)
    except ConfigError as exc:  # already rendered as path:line:col diagnostics
        print(exc, file=sys.stderr)
        return int(ExitCode.USAGE)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return int(ExitCode.USAGE)
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto
    # says TCP; with proto 0, Nagle + delayed ACK add ~40 ms to every response on loopback.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except (OSError, OverflowError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        print(f"error: cannot listen on {args.host}:{args.port}: {reason}", file=sys.stderr)
        return int(ExitCode.USAGE)
    sock.listen(2048)  # listening before the URL is printed: early clients queue, not fail
    port = sock.getsockname()[1]
    prefix = "/" + args.prefix.strip("/") if args.prefix.strip("/") else ""
    print(f"Juo sandbox serving on http://{args.host}:{port}{prefix}  "
          f"(OpenAPI: http://{args.host}:{port}/openapi.json)", flush=True)
    # proxy_headers off: the sandbox reads neither the client address nor the scheme, so the
    # per-request X-Forwarded-* middleware would be work for nothing (bench/README-sandbox.md).
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off",
                                          access_log=False, proxy_headers=False))
    server.run(sockets=[sock])
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point: ``python -m juo_flowtest.sandbox.command``."""
    parser = argparse.ArgumentParser(prog="juo-flowtest sandbox",
                                     description="Serve the Juo workflow sandbox.")
    configure_parser(parser)
    return command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
