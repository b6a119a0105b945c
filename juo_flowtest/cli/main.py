"""The ``juo-flowtest`` command: run, lint, schema, sandbox, report, gate.

``run`` is pytest with the plugin plus the reports a CI job wants; ``lint`` and ``schema`` use
the loader alone; ``sandbox``, ``report`` and ``gate`` live with the layer they drive (each
module exposes ``configure_parser`` and ``command``) and are imported only when chosen.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, Protocol

from juo_flowtest.base.exitcodes import ExitCode
from juo_flowtest.base.version import __version__

USAGE = """\
usage: juo-flowtest COMMAND [ARGS]

commands:
  run [PATHS] [pytest options] [--html]   run flows (default path: flows/), write reports/
  lint [PATHS]                            check flow files and workflow definitions
  generate --workflows DIR --out DIR      write flow files covering every path of workflows
  schema                                  print the JSON Schema of the flow format
  sandbox [--workflows DIR] [--port N]    serve the embedded Juo sandbox
  report [--results DIR] [--output DIR] [--policy FILE]
                                          build the single-file HTML report
  gate [--policy FILE] [--results DIR]... [--coverage FILE]... [--output FILE]
                                          judge a finished run by a release policy
  workflows pull [--out DIR]              write the target's workflow definitions into files
  workflows diff [--dir DIR]              compare local definitions with the target's

`juo-flowtest COMMAND --help` for a command's options; `juo-flowtest --version`.
"""

#: Commands implemented beside the layer they drive: name -> module.
DELEGATED = {
    "sandbox": "juo_flowtest.sandbox.command",
    "report": "juo_flowtest.cli.report",
    "gate": "juo_flowtest.gate.command",
    "lint": "juo_flowtest.cli.lint",
    "generate": "juo_flowtest.cli.generate",
}


class _Command(Protocol):
    def configure_parser(self, parser: argparse.ArgumentParser) -> None: ...

    def command(self, args: argparse.Namespace) -> int: ...


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return ExitCode.PASSED if args else ExitCode.USAGE
    name, rest = args[0], args[1:]
    if name == "--version":
        print(f"juo-flowtest {__version__}")
        return ExitCode.PASSED
    if name == "run":
        from juo_flowtest.cli.run import run

        return run(rest)
    if name == "workflows":
        from juo_flowtest.cli.workflows import workflows_command

        return workflows_command(rest)
    if name == "schema":
        from juo_flowtest.flowfile.schema import schema_text

        print(schema_text())
        return ExitCode.PASSED
    if name in DELEGATED:
        return _delegate(name, rest)
    print(f"juo-flowtest: unknown command '{name}'\n\n{USAGE}", end="", file=sys.stderr)
    return ExitCode.USAGE


def _delegate(name: str, rest: list[str]) -> int:
    module: Any = importlib.import_module(DELEGATED[name])
    cmd: _Command = module
    parser = argparse.ArgumentParser(prog=f"juo-flowtest {name}")
    cmd.configure_parser(parser)
    try:
        parsed = parser.parse_args(rest)
    except SystemExit as exc:  # argparse printed the usage error already
        return ExitCode.PASSED if exc.code == 0 else ExitCode.USAGE
    return int(cmd.command(parsed))


def entry() -> None:
    """The console script: ``main`` plus a quiet exit when the reader closes the pipe."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `juo-flowtest schema | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = ExitCode.PASSED
    except KeyboardInterrupt:
        print("juo-flowtest: interrupted", file=sys.stderr)
        code = ExitCode.BROKEN
    sys.exit(int(code))


if __name__ == "__main__":  # pragma: no cover
    entry()
