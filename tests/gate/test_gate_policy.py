"""Policy loading: YAML with positions, pyproject's gate table, the default, and exact errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from juo_flowtest.base.errors import PolicyError
from juo_flowtest.gate.policy import DEFAULT_POLICY, Policy, load_policy

FULL = """\
# The release policy of the example suite.
required_severities: [blocker, critical]
min_pass_rate: 95
min_pass_rate_per_tag: {smoke: 100, cancellation: 90.5}
max_failed: 1
max_broken: 0
max_invalid: 0
max_flaky: 2
min_coverage: 80
min_coverage_per_workflow: {"cancellation@3": 90, pause: 100}
quarantine: ["Pause flow", "Reasons[not_using]"]
flaky_counts_as: failed
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def error_of(path: Path, cwd: Path | None = None) -> str:
    with pytest.raises(PolicyError) as caught:
        load_policy(path, cwd or path.parent)
    return str(caught.value)


def test_every_key_of_a_yaml_policy_is_read(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "gate.yaml", FULL), tmp_path)
    assert policy == Policy(
        source=str(tmp_path / "gate.yaml"),
        required_severities=("blocker", "critical"),
        min_pass_rate=95.0,
        min_pass_rate_per_tag={"smoke": 100.0, "cancellation": 90.5},
        max_failed=1,
        max_broken=0,
        max_invalid=0,
        max_flaky=2,
        min_coverage=80.0,
        min_coverage_per_workflow={"cancellation@3": 90.0, "pause": 100.0},
        quarantine=("Pause flow", "Reasons[not_using]"),
        flaky_counts_as="failed",
    )


def test_without_a_policy_file_or_gate_table_the_default_applies(tmp_path: Path) -> None:
    assert load_policy(None, tmp_path) == DEFAULT_POLICY
    write(tmp_path, "pyproject.toml", '[project]\nname = "shop"\n')
    assert load_policy(None, tmp_path) == DEFAULT_POLICY
    assert (DEFAULT_POLICY.max_failed, DEFAULT_POLICY.max_broken, DEFAULT_POLICY.max_invalid) == (
        0,
        0,
        0,
    )
    assert DEFAULT_POLICY.min_pass_rate is None and not DEFAULT_POLICY.required_severities


def test_the_gate_table_of_pyproject_is_the_policy(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        """\
        [project]
        name = "shop"

        [tool.juo_flowtest.gate]
        required_severities = ["blocker"]
        max_broken = 0
        quarantine = ["Pause flow"]

        [tool.juo_flowtest.gate.min_pass_rate_per_tag]
        smoke = 100
        """,
    )
    policy = load_policy(None, tmp_path)
    assert policy.source == "pyproject.toml [tool.juo_flowtest.gate]"
    assert policy.required_severities == ("blocker",) and policy.max_broken == 0
    assert policy.min_pass_rate_per_tag == {"smoke": 100.0}
    assert policy.quarantine == ("Pause flow",) and policy.max_failed is None


def test_unknown_key_points_at_it_with_did_you_mean(tmp_path: Path) -> None:
    path = write(tmp_path, "gate.yaml", "min_pass_rate: 95\nmax_brokn: 0\n")
    assert error_of(path) == (
        f"{path}:2:1: error: unknown policy key 'max_brokn'\n"
        "  max_brokn: 0\n"
        "  ^\n"
        "  hint: did you mean 'max_broken'?"
    )


def test_unknown_severity_points_at_the_list_item(tmp_path: Path) -> None:
    path = write(tmp_path, "gate.yaml", "required_severities: [blocker, critcal]\n")
    assert error_of(path) == (
        f"{path}:1:32: error: unknown severity 'critcal'\n"
        "  required_severities: [blocker, critcal]\n"
        "                                 ^\n"
        "  hint: did you mean 'critical'?"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("min_pass_rate: 120\n", ":1:16: error: min_pass_rate must be a percentage from 0 to 100"),
        ("min_pass_rate: '95'\n", "must be a percentage from 0 to 100, not '95'"),
        ("max_broken: -1\n", ":1:13: error: max_broken must be a whole number >= 0, not -1"),
        ("max_flaky: true\n", "max_flaky must be a whole number >= 0, not True"),
        ("max_broken: 0\nmax_broken: 1\n", ":2:1: error: duplicate key 'max_broken'"),
        ("quarantine: Pause flow\n", "quarantine must be a list of strings"),
        ("quarantine: [a, a]\n", ":1:17: error: 'a' is listed twice in quarantine"),
        ("min_pass_rate_per_tag: {smoke: 100%}\n", "not '100%'"),
        ("min_pass_rate_per_tag: []\n", "must map names to percentages"),
        ("flaky_counts_as: maybe\n", "flaky_counts_as must be 'passed' or 'failed'"),
        ("- max_broken: 0\n", ":1:1: error: a policy is a mapping of rules"),
        ("{}\n", "the policy has no rules"),
        ("# nothing yet\n", ":1:1: error: the policy is empty"),
        ("max_broken: [0\n", ":2:1: error: YAML syntax error: did not find expected ','"),
        ("max_flaky: yes\n", "max_flaky must be a whole number >= 0, not 'yes'"),
        ("---\n", ":1:1: error: the policy is empty"),
    ],
)
def test_malformed_policies_say_where_and_what(tmp_path: Path, text: str, expected: str) -> None:
    message = error_of(write(tmp_path, "gate.yaml", text))
    assert expected in message and "Traceback" not in message


def test_a_duplicate_key_is_rejected_where_it_is_written_again(tmp_path: Path) -> None:
    path = write(tmp_path, "gate.yaml", "max_broken: 0\nmin_coverage: 80\nmax_broken: 1\n")
    assert error_of(path) == (
        f"{path}:3:1: error: duplicate key 'max_broken' (first written at line 1)\n"
        "  max_broken: 1\n"
        "  ^\n"
        "  hint: a key may appear once in a mapping; remove or rename one of them"
    )


def test_every_duplicate_key_is_reported_at_once_even_in_nested_maps(tmp_path: Path) -> None:
    text = "min_pass_rate_per_tag:\n  smoke: 100\n  smoke: 90\nmax_failed: 0\nmax_failed: 0\n"
    message = error_of(write(tmp_path, "gate.yaml", text))
    assert ":3:3: error: duplicate key 'smoke' (first written at line 2)" in message
    assert ":5:1: error: duplicate key 'max_failed' (first written at line 4)" in message


def test_a_yaml_syntax_error_reads_like_a_flow_file_s(tmp_path: Path) -> None:
    path = write(tmp_path, "gate.yaml", "max_failed: 0\n  max_broken: 0\n")
    assert error_of(path) == (
        f"{path}:2:13: error: YAML syntax error: mapping values are not allowed in this context\n"
        "    max_broken: 0\n"
        "              ^\n"
        "  hint: check the indentation and quoting around this place"
    )


def test_a_second_document_in_a_policy_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "gate.yaml", "max_failed: 0\n---\nmax_broken: 0\n")
    assert error_of(path) == (
        f"{path}:3:1: error: a second YAML document in a policy file\n"
        "  max_broken: 0\n"
        "  ^\n"
        "  hint: a policy is one mapping of rules; remove the '---' and what follows"
    )


def test_yaml_merge_keys_and_string_keys_follow_the_flow_file_rules(tmp_path: Path) -> None:
    text = "base: &b {smoke: 100}\n"
    assert "unknown policy key 'base'" in error_of(write(tmp_path, "gate.yaml", text))
    text = "min_pass_rate_per_tag:\n  <<: {smoke: 100}\n  nightly: 90\n200: 1\n"
    message = error_of(write(tmp_path, "gate.yaml", text))
    assert message.startswith(f"{tmp_path / 'gate.yaml'}:4:1: error: unknown policy key '200'")
    merged = load_policy(write(tmp_path, "ok.yaml", text.replace("200: 1\n", "")), tmp_path)
    assert merged.min_pass_rate_per_tag == {"nightly": 90.0, "smoke": 100.0}


def test_a_percentage_hint_shows_the_file_s_own_syntax(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pyproject.toml",
        """\
        [tool.juo_flowtest.gate]
        min_pass_rate_per_tag = { smoke = 100, nightly = 120 }
        """,
    )
    assert error_of(path) == (
        f"{path}:2:50: error: min_pass_rate_per_tag.nightly must be a percentage from 0 to 100,"
        " not 120\n"
        "  min_pass_rate_per_tag = { smoke = 100, nightly = 120 }\n"
        "                                                   ^\n"
        "  hint: e.g. `nightly = 95`"
    )


def test_an_error_in_a_toml_subtable_points_at_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "gate.toml",
        """\
        [tool.juo_flowtest.gate]
        max_broken = 0

        [tool.juo_flowtest.gate.min_pass_rate_per_tag]
        smoke = 100
        cancel = "90"
        """,
    )
    assert error_of(path).startswith(
        f"{path}:6:10: error: min_pass_rate_per_tag.cancel must be a percentage from 0 to 100"
    )


def test_an_unknown_key_in_pyproject_is_found_in_the_text(tmp_path: Path) -> None:
    write(
        tmp_path, "pyproject.toml", "[tool.juo_flowtest.gate]\nmax_broken = 0\nmin_passrate = 95\n"
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(None, tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'pyproject.toml'}:3:1: error: unknown")
    assert "did you mean 'min_pass_rate'?" in str(caught.value)


def test_broken_toml_and_missing_files_are_policy_errors(tmp_path: Path) -> None:
    broken = write(tmp_path, "pyproject.toml", "[tool.juo_flowtest.gate]\nmax_broken = \n")
    assert f"{broken}:2:14: error: not valid TOML" in error_of(broken)
    assert "no such policy file" in error_of(tmp_path / "nope.yaml")
    other = write(tmp_path, "other.toml", '[project]\nname = "x"\n')
    assert "no [tool.juo_flowtest.gate] table" in error_of(other)


def test_the_example_suite_policy_loads() -> None:
    path = Path(__file__).parents[2] / "flows" / "gate-policy.yaml"
    policy = load_policy(path, path.parent)
    assert policy.required_severities == ("blocker", "critical")
    assert (policy.max_broken, policy.max_invalid, policy.min_coverage) == (0, 0, 90.0)
    assert policy.min_pass_rate_per_tag == {"smoke": 100.0, "cancellation": 95.0}
    assert policy.quarantine == ()


def test_transition_and_end_step_rules_are_read_and_judged(tmp_path: Path) -> None:
    from juo_flowtest.coverage.model import CoverageSample, merge
    from juo_flowtest.gate.results import RunResults
    from juo_flowtest.gate.verdict import evaluate

    policy = load_policy(write(tmp_path, "gate.yaml", """\
        min_transition_coverage: 100
        min_transition_coverage_per_workflow: {cancellation: 50}
        min_end_step_coverage: 50
        min_end_step_coverage_per_workflow: {"Cancellation flow": 100}
        """), tmp_path)
    assert (policy.min_transition_coverage, policy.min_end_step_coverage) == (100.0, 50.0)
    key = "cancellation@1"
    cov = merge([CoverageSample(
        transitions_known={key: frozenset({("a", "t1", ""), ("a", "t2", "")})},
        transitions_exercised={key: frozenset({("a", "t1", "")})},
        ends_known={key: frozenset({("done", "final"), ("a", "no_transition")})},
        ends_exercised={key: frozenset({("done", "final")})},
        names={key: "Cancellation flow"})])
    rules = {r.rule: r for r in evaluate(RunResults((), 0), cov, policy).rules}
    assert not rules["min_transition_coverage"].holds
    assert rules["min_transition_coverage"].actual == "50% (1/2)"
    assert rules["min_transition_coverage_per_workflow.cancellation"].holds
    assert rules["min_end_step_coverage"].holds
    assert not rules["min_end_step_coverage_per_workflow.Cancellation flow"].holds
    nothing = {r.rule: r for r in evaluate(RunResults((), 0), None, policy).rules}
    assert nothing["min_transition_coverage"].actual == "no coverage data"
