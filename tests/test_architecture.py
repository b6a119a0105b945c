"""The package's shape: folders are layers, imports point down them, and no module imports
itself back through others (no import circle, TYPE_CHECKING imports included)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def test_imports_respect_the_layers_declared_in_pyproject() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("juo_flowtest", exclude_type_checking_imports=False)
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                cycles.append(" -> ".join((module, *chain)))
    assert not cycles, "\n".join(sorted(set(cycles)))


def test_the_base_layer_imports_nothing_of_ours_but_itself() -> None:
    graph = grimp.build_graph("juo_flowtest", exclude_type_checking_imports=False)
    for module in graph.find_children("juo_flowtest.base"):
        for imported in graph.find_modules_directly_imported_by(module):
            assert imported.startswith("juo_flowtest.base"), f"{module} imports {imported}"
