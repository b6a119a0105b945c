"""Mutated example flows fed to the loader and to ``juo-flowtest lint``: never a traceback,
never a hang, only a valid file or ``path:line:col`` errors.

Hypothesis takes each example flow file and applies a few mutations: hostile scalars (numbers
JSON cannot carry, non-ASCII header values, tags, aliases, deep nesting, broken placeholders),
lines deleted, repeated, re-indented or cut, stray bytes (tabs, NUL, invalid UTF-8, a BOM).
``CASES`` counts what was tried; the collection side (pytest collecting mutated files in a
real session) is tests/reliability/test_reliability_collection.py.
"""

from __future__ import annotations

import contextlib
import io
import random
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juo_flowtest.base.errors import FlowFileError
from juo_flowtest.cli.main import main
from juo_flowtest.flowfile import loader

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted([*ROOT.glob("flows/**/*.flow.yaml"), *ROOT.glob("tests/golden/valid/*.yaml")])
#: Values a QA engineer (or a fuzzer) might write where a scalar was.
HOSTILE = [
    "1e99999", "-1e400", "1" + "0" * 400, "9" * 5000, '"café ☕"', '"tøken"', "!!set {a, b}",
    "!!omap [{a: 1}]", "!!binary aGk=", "!custom x", "*nowhere", "&a [*a]", "[" * 300,
    "{" * 300, '"\\t"', "~", "{}", "[]", '"${"', '"${env:}"', '"${run.}"', '"${nope.x}"',
    "{$regex: '('}", "{$gte: [1]}", '"' + "x" * 20_000 + '"', ".nan", ".inf", "0x1F", "010",
    "2024-01-01", "yes", "null", "-", '"\\u0000"', "? [a]\n  : b", "|\n  multi\n  line",
    "!!str", "!!int x", "<<: *nowhere", '"\\ud800"', "1e-99999", "-0", "+1",
]
CASES = {"loader": 0, "lint": 0, "valid": 0, "invalid": 0}
SLOWEST = {"seconds": 0.0}


def mutate(rng: random.Random) -> tuple[str, bytes]:
    """An example flow file with 1 to 4 mutations, as bytes (some are not UTF-8)."""
    path = rng.choice(EXAMPLES)
    lines = path.read_text(encoding="utf-8").splitlines()
    for _ in range(rng.randint(1, 4)):
        if not lines:
            lines = [""]
        at = rng.randrange(len(lines))
        kind = rng.choice(["value", "value", "value", "delete", "repeat", "indent", "cut",
                           "text"])
        line = lines[at]
        if kind == "value" and ":" in line:
            key = line.split(":", 1)[0]
            lines[at] = f"{key}: {rng.choice(HOSTILE)}"
        elif kind == "delete":
            del lines[at]
        elif kind == "repeat":
            lines.insert(at, line)
        elif kind == "indent":
            lines[at] = " " * rng.randint(0, 9) + line.lstrip()
        elif kind == "cut":
            lines = lines[:at] + [line[: rng.randint(0, len(line))]]
        else:
            lines.insert(at, "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(0, 40))))
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    stray = rng.choice([b"", b"", b"\t", b"\0", b"\xff\xfe", b"\xef\xbb\xbf"])
    if stray:
        where = rng.randint(0, len(data))
        data = data[:where] + stray + data[where:]
    return path.name, data


def mutated() -> st.SearchStrategy[tuple[str, bytes]]:
    """``mutate`` driven by Hypothesis (it shrinks a failing case to a small one)."""
    return st.randoms(use_true_random=False).map(mutate)


def _timed(action: str, seconds: float) -> None:
    SLOWEST["seconds"] = max(SLOWEST["seconds"], seconds)
    assert seconds < 10, f"{action} took {seconds:.1f}s"


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_the_loader_gives_a_flow_file_or_positioned_errors(tmp_path_factory: object,
                                                           case: tuple[str, bytes]) -> None:
    name, data = case
    folder = Path(str(tmp_path_factory.mktemp("mut")))  # type: ignore[attr-defined]
    path = folder / name
    path.write_bytes(data)
    begun = time.monotonic()
    try:
        flow_file = loader.load_file(path)
    except FlowFileError as exc:
        CASES["invalid"] += 1
        assert exc.diagnostics
        for diagnostic in exc.diagnostics:
            assert diagnostic.position.path == str(path)
            assert diagnostic.position.line >= 1 and diagnostic.position.column >= 1
            assert "Traceback" not in diagnostic.render()
    else:
        CASES["valid"] += 1
        assert flow_file.flows
    CASES["loader"] += 1
    _timed("loading", time.monotonic() - begun)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_lint_prints_errors_never_a_traceback(tmp_path_factory: object,
                                              case: tuple[str, bytes]) -> None:
    name, data = case
    folder = Path(str(tmp_path_factory.mktemp("lint")))  # type: ignore[attr-defined]
    (folder / name).write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    begun = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["lint", str(folder)])
    _timed("lint", time.monotonic() - begun)
    CASES["lint"] += 1
    text = out.getvalue() + err.getvalue()
    assert code in (0, 2), text
    assert "Traceback" not in text
    assert ("1 file(s) checked" in text) or ("invalid file" in text), text
    if code == 2:
        assert f"{folder / name}:" in text


def test_zz_report_the_counts() -> None:
    """Runs last in this module: what the two properties above tried (shown with -s)."""
    print(f"\nmutation cases: loader {CASES['loader']} ({CASES['valid']} valid, "
          f"{CASES['invalid']} invalid), lint {CASES['lint']}; tracebacks 0; slowest "
          f"{SLOWEST['seconds']:.2f}s")
    assert CASES["loader"] == 0 or CASES["valid"] + CASES["invalid"] == CASES["loader"]
