"""Load workflow definition files from a directory into validated, immutable ``Workflow``s.

Every problem of every file is collected; if there is any, one ``WorkflowDefinitionError``
carries them all (each ``path:line:col`` with the source line and a hint). Cross-file rules
(one published workflow per trigger type, unique id+version) are checked last.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from juo_flowtest.base.diagnostics import Diagnostic, closest
from juo_flowtest.base.errors import WorkflowDefinitionError
from juo_flowtest.base.position import Position
from juo_flowtest.sandbox import assumptions
from juo_flowtest.sandbox.conditions import OPERATORS
from juo_flowtest.sandbox.definitions import (
    Action,
    ConditionGroup,
    ConditionItem,
    Conditions,
    Operand,
    Step,
    Transition,
    Variant,
    Workflow,
    interactive_steps_of,
    make_step,
)
from juo_flowtest.sandbox.graph import check_graph
from juo_flowtest.sandbox.source import Reader, SourceFile
from juo_flowtest.source import yamlsource
from juo_flowtest.source.yamlsource import PosDict

PATTERNS = ("*.workflow.yaml", "*.workflow.yml", "*.workflow.json")
STATUSES = ("draft", "published", "archived")
CATEGORIES = ("system_event", "customer_initiated", "admin_initiated", "time_based")
KNOWN_ACTIONS = (assumptions.INTERACTION_TYPES | set(assumptions.EXECUTION_RESOURCES)
                 | assumptions.END_TYPES)


#: The example workflows shipped with the package (the sandbox's default).
EXAMPLES_DIR = Path(__file__).parent / "examples"

WorkflowDirs = str | Path | Sequence[str | Path] | None


def directories(value: WorkflowDirs) -> list[Path]:
    """The directories a ``workflows_dir`` argument names: one, several, or the examples."""
    if value is None or value == "" or value == []:
        return [EXAMPLES_DIR]
    if isinstance(value, (str, Path)):
        return [Path(value)]
    return [Path(v) for v in value]


def definition_files(directory: Path) -> list[Path]:
    """The ``*.workflow.{yaml,yml,json}`` files of ``directory`` (not its subfolders), sorted."""
    return sorted({p for pattern in PATTERNS for p in directory.glob(pattern)})


def load_directory(directory: Path) -> list[Workflow]:
    """Every ``*.workflow.{yaml,yml,json}`` file of ``directory``, validated together."""
    return load_directories([directory])


def load_directories(folders: Sequence[Path]) -> list[Workflow]:
    """Every definition file of every folder, validated together (one published workflow per
    trigger type across all of them)."""
    missing = [Diagnostic(Position(str(d), 1, 1), "workflow directory not found",
                          hint="pass an existing directory holding *.workflow.yaml files")
               for d in folders if not d.is_dir()]
    if missing:
        raise WorkflowDefinitionError(missing)
    return load_files([f for d in folders for f in definition_files(d)])


def load_files(files: list[Path]) -> list[Workflow]:
    """Load and validate the given files; raise one error listing every problem."""
    problems: list[Diagnostic] = []
    loaded: list[tuple[Workflow, SourceFile, PosDict]] = []
    for path in files:
        src = SourceFile(path)
        data = src.parse()
        workflow = _workflow(src, data) if data is not None else None
        problems.extend(src.problems)
        if workflow is not None and not src.found:
            loaded.append((workflow, src, data))
    problems.extend(_cross_file(loaded))
    if problems:
        raise WorkflowDefinitionError(problems)
    return [w for w, _, _ in loaded]


def load_definition(data: Mapping[str, Any], name: str) -> tuple[Workflow | None, list[Diagnostic]]:
    """Validate one definition given as data (the Admin API's bodies) by the file rules.

    The data is read as the JSON text it would be in a ``*.workflow.json`` file, so every
    rule of the loader applies; the diagnostics' positions point into that text.
    """
    src = SourceFile(Path(name), text=json.dumps(data, indent=2, ensure_ascii=False))
    parsed = src.parse()
    workflow = _workflow(src, parsed) if parsed is not None else None
    return (workflow if not src.problems else None), list(src.problems)


def _cross_file(loaded: list[tuple[Workflow, SourceFile, PosDict]]) -> list[Diagnostic]:
    seen: dict[tuple[str, int], str] = {}
    published: dict[str, str] = {}
    for workflow, src, node in loaded:
        key = (workflow.id, workflow.version)
        if key in seen:
            src.problem(yamlsource.key_position(node, "version"),
                        f"workflow '{workflow.id}' version {workflow.version} is also "
                        f"defined in {seen[key]}", "give each file its own version number")
        seen[key] = str(src.path)
        if workflow.status == "published":
            if workflow.trigger_type in published:
                src.problem(yamlsource.key_position(node, "status"),
                            f"a second published workflow for trigger type "
                            f"'{workflow.trigger_type}' (the other is in "
                            f"{published[workflow.trigger_type]})",
                            "only one workflow per trigger type may be published; "
                            "make one of them draft or archived")
            published[workflow.trigger_type] = str(src.path)
    return [d for _, src, _ in loaded for d in src.problems]


def _workflow(src: SourceFile, data: Any) -> Workflow | None:
    r = Reader(src)
    root = r.mapping(data, "a workflow definition", None)
    if root is None:
        return None
    wid = r.get(root, "id", str, "workflow", default="?")
    name = r.get(root, "name", str, "workflow", default="")
    version = r.get(root, "version", int, "workflow", default=1)
    if version < 1:
        src.problem(r.at(root, "version"), "workflow: 'version' must be >= 1")
    status = r.get(root, "status", str, "workflow", default="draft")
    if status not in STATUSES:
        src.problem(r.at(root, "status"), f"workflow: unknown status '{status}'",
                    f"use one of {', '.join(STATUSES)}")
    trigger_type = r.get(root, "triggerType", str, "workflow", default="")
    trigger_conditions = _trigger(r, root, trigger_type)
    raw_steps = r.get(root, "steps", list, "workflow", default=[])
    if "steps" in root and not raw_steps:
        src.problem(r.at(root, "steps"), "workflow: 'steps' is empty", "add at least one step")
    steps = _steps(r, raw_steps)
    _interactions_need_a_customer(r, root, raw_steps, steps)
    initial = check_graph(src, raw_steps, steps) if steps else None
    if src.found or initial is None:
        return None
    return Workflow(
        id=wid, name=name, version=version, status=status, trigger_type=trigger_type,
        trigger_conditions=trigger_conditions, steps=steps, initial=initial,
        source=str(src.path), description=str(root.get("description", "")),
        interactive_steps=interactive_steps_of(steps), definition=_plain(root),
    )


def _plain(node: PosDict) -> dict[str, Any]:
    """The document as plain JSON data (no positions), without an editor's ``$schema``."""
    data: dict[str, Any] = json.loads(json.dumps(node))
    data.pop("$schema", None)
    return data


def _interactions_need_a_customer(r: Reader, root: PosDict, raw_steps: list[Any],
                                  steps: dict[str, Step]) -> None:
    """Part B 14: an interaction step only under a ``customer_initiated`` trigger."""
    trigger = root.get("trigger")
    category = trigger.get("category") if isinstance(trigger, dict) else None
    if not isinstance(category, str) or category not in CATEGORIES:
        return  # missing or unknown: reported already
    if category == assumptions.INTERACTIVE_CATEGORY:
        return
    for node in raw_steps:
        step = steps.get(str(node.get("id"))) if isinstance(node, PosDict) else None
        if step is None or step.action is None or step.action.kind != "interaction":
            continue
        action = node.get("action")
        r.src.problem(r.at(action, "type") if isinstance(action, PosDict) else r.at(node),
                      f"step '{step.id}': interaction '{step.action.type}' in a '{category}' "
                      "workflow: interactions need a customer present",
                      "Juo allows interaction steps only under customer_initiated triggers; "
                      "use an execution here, or make the trigger customer_initiated")


def _trigger(r: Reader, root: PosDict, trigger_type: str) -> Conditions | None:
    trigger = r.get(root, "trigger", dict, "workflow")
    if trigger is None:
        return None
    r.get(trigger, "id", str, "trigger")
    ttype = r.get(trigger, "type", str, "trigger")
    if ttype is not None and trigger_type and ttype != trigger_type:
        r.src.problem(r.at(trigger, "type"), f"trigger: type '{ttype}' differs from the "
                      f"workflow's triggerType '{trigger_type}'", "make them the same")
    category = r.get(trigger, "category", str, "trigger")
    if category is not None and category not in CATEGORIES:
        r.src.problem(r.at(trigger, "category"), f"trigger: unknown category '{category}'",
                      f"use one of {', '.join(CATEGORIES)}")
    raw = r.get(trigger, "conditions", dict, "trigger", required=False)
    return _conditions(r, raw, "trigger.conditions") if raw is not None else None


def _steps(r: Reader, raw_steps: list[Any]) -> dict[str, Step]:
    steps: dict[str, Step] = {}
    for index, raw in enumerate(raw_steps):
        node = r.mapping(raw, f"steps[{index}]", yamlsource.child_position(raw_steps, index))
        if node is None:
            continue
        step = _step(r, node, index)
        if step is None:
            continue
        if step.id in steps:
            r.src.problem(r.at(node, "id"), f"duplicate step id '{step.id}'",
                          "step ids must be unique within a workflow")
        steps[step.id] = step
    return steps


def _step(r: Reader, node: PosDict, index: int) -> Step | None:
    where = f"steps[{index}]"
    sid = r.get(node, "id", str, where)
    name = r.get(node, "name", str, where, default="")
    is_initial = r.get(node, "isInitial", bool, where, required=False, default=False)
    is_final = r.get(node, "isFinal", bool, where, required=False, default=False)
    action = _action(r, node, f"step '{sid}'") if "action" in node else None
    variants = _variants(r, node, f"step '{sid}'")
    raw_transitions = r.get(node, "transitions", list, where, required=False, default=[])
    transitions = tuple(
        t for i, raw in enumerate(raw_transitions)
        if (t := _transition(r, raw, yamlsource.child_position(raw_transitions, i),
                             f"step '{sid}'")) is not None
    )
    timeouts = [i for i, raw in enumerate(raw_transitions)
                if isinstance(raw, PosDict) and raw.get("type") == "timeout"]
    if len(timeouts) > 1:
        r.src.problem(yamlsource.child_position(raw_transitions, timeouts[1]),
                      f"step '{sid}': a second timeout transition",
                      "a step has at most one timeout transition")
    if sid is None:
        return None
    return make_step(sid, name, action, transitions, is_initial, is_final, variants)


def _action(r: Reader, step: PosDict, where: str) -> Action | None:
    node = r.get(step, "action", dict, where)
    if node is None:
        return None
    aid = r.get(node, "id", str, f"{where} action", default="")
    atype = r.get(node, "type", str, f"{where} action")
    config = r.get(node, "config", dict, f"{where} action", required=False, default={})
    if atype is None:
        return None
    if atype not in KNOWN_ACTIONS:
        r.src.problem(r.at(node, "type"), f"{where}: unknown action type '{atype}'",
                      "interactions: " + ", ".join(sorted(assumptions.INTERACTION_TYPES))
                      + "; executions: " + ", ".join(sorted(assumptions.EXECUTION_RESOURCES))
                      + "; or 'end'")
        return None
    _check_execution_config(r, config, where)
    return Action(id=aid, type=atype, config=config)


def _check_execution_config(r: Reader, config: dict[str, Any], where: str) -> None:
    duration = config.get("durationMs")
    if duration is not None and (not isinstance(duration, (int, float))
                                 or isinstance(duration, bool) or duration < 0):
        r.src.problem(r.at(config, "durationMs"),
                      f"{where}: 'durationMs' must be a number >= 0")
    fail = config.get("fail")
    if fail is not None and not (isinstance(fail, dict) and isinstance(fail.get("message"), str)):
        r.src.problem(r.at(config, "fail"), f"{where}: 'fail' must be {{code, message}}",
                      "write fail: {code: some_code, message: Some text}")


def _variants(r: Reader, step: PosDict, where: str) -> tuple[Variant, ...]:
    exp = r.get(step, "experimentConfig", dict, where, required=False)
    if exp is None:
        return ()
    raw = r.get(exp, "variants", list, f"{where} experimentConfig", default=[])
    variants = []
    whole = True
    for i, item in enumerate(raw):
        node = r.mapping(item, f"{where} variants[{i}]", yamlsource.child_position(raw, i))
        if node is None:
            continue
        vid = r.get(node, "id", str, f"{where} variants[{i}]", default="")
        traffic = r.whole(node, "trafficPercentage", f"{where} variants[{i}]")
        whole = whole and traffic is not None
        variants.append(Variant(vid, str(node.get("name", vid)), float(traffic or 0)))
    # A share that is not a whole number is reported already: its sum would only add noise.
    if len(variants) < 2:
        r.src.problem(r.at(exp, "variants"), f"{where}: an experiment needs two or more variants")
    elif whole and abs(sum(v.traffic for v in variants) - 100) > 1e-6:
        r.src.problem(r.at(exp, "variants"),
                      f"{where}: trafficPercentage values add up to "
                      f"{sum(v.traffic for v in variants):g}, not 100")
    return tuple(variants)


def _transition(r: Reader, raw: Any, at: Position | None, where: str) -> Transition | None:
    node = r.mapping(raw, f"{where} transition", at)
    if node is None:
        return None
    tid = r.get(node, "id", str, f"{where} transition", default="")
    ttype = r.get(node, "type", str, f"{where} transition")
    if ttype not in ("auto", "response", "timeout"):
        if ttype is not None:
            r.src.problem(r.at(node, "type"), f"{where}: unknown transition type '{ttype}'",
                          "use auto, response or timeout")
        return None
    target = r.get(node, "targetStepId", str, f"{where} transition '{tid}'",
                   required=ttype != "timeout")
    response_type = (r.get(node, "responseType", str, f"{where} transition '{tid}'")
                     if ttype == "response" else None)
    timeout = (r.whole(node, "timeout", f"{where} transition '{tid}'")
               if ttype == "timeout" else None)
    if timeout is not None and timeout <= 0:
        r.src.problem(r.at(node, "timeout"), f"{where} transition '{tid}': 'timeout' must be "
                      f"a positive number of milliseconds, got {timeout}",
                      "e.g. timeout: 600000 (10 minutes)")
        timeout = None
    raw_cond = r.get(node, "conditions", dict, f"{where} transition", required=False)
    cond = _conditions(r, raw_cond, f"{where} transition '{tid}'") if raw_cond else None
    return Transition(tid, ttype, target, response_type, cond,
                      int(timeout) if timeout is not None else None)


#: The keys of each level of a condition (Juo's schema); anything else is an error.
_CONDITION_KEYS = {
    "conditions": ("rootLogic", "groups"),
    "group": ("id", "logic", "items"),
    "item": ("id", "left", "operator", "right"),
    "operand": ("resolver", "params"),
}


_NESTING_KEYS = ("groups", "items", "rootLogic", "logic")
_NESTED_HINT = ("conditions nest one level: rootLogic over groups, each group's logic over its "
                "items; write a nested condition as another group")


def _known_keys(r: Reader, node: PosDict, level: str, where: str) -> None:
    """Keys a condition level does not have are errors, not ignored (a nested group too)."""
    known = _CONDITION_KEYS[level]
    for key in node:
        if key in known:
            continue
        nested = level in ("group", "item") and key in _NESTING_KEYS
        hint = (_NESTED_HINT if nested else
                (f"did you mean '{close}'?" if (close := closest(str(key), known)) else
                 "known keys: " + ", ".join(known)))
        what = "a nested condition" if nested else f"unknown key '{key}'"
        r.src.problem(r.at(node, str(key)), f"{where}: {what} in a condition {level}", hint)


def _conditions(r: Reader, node: PosDict, where: str) -> Conditions | None:
    _known_keys(r, node, "conditions", where)
    root_logic = r.get(node, "rootLogic", str, where, default="and")
    if root_logic not in ("and", "or"):
        r.src.problem(r.at(node, "rootLogic"), f"{where}: rootLogic must be 'and' or 'or'")
    raw_groups = r.get(node, "groups", list, where, default=[])
    groups = []
    for gi, raw in enumerate(raw_groups):
        g = r.mapping(raw, f"{where} groups[{gi}]", yamlsource.child_position(raw_groups, gi))
        if g is None:
            continue
        _known_keys(r, g, "group", where)
        logic = r.get(g, "logic", str, f"{where} group", default="and")
        if logic not in ("and", "or"):
            r.src.problem(r.at(g, "logic"), f"{where}: logic must be 'and' or 'or'")
        raw_items = r.get(g, "items", list, f"{where} group", default=[])
        items = [it for ii, raw_item in enumerate(raw_items)
                 if (it := _item(r, raw_item, yamlsource.child_position(raw_items, ii), where))
                 is not None]
        groups.append(ConditionGroup(str(g.get("id", "")), logic, tuple(items)))
    return Conditions(root_logic, tuple(groups))


def _item(r: Reader, raw: Any, at: Position | None, where: str) -> ConditionItem | None:
    node = r.mapping(raw, f"{where} condition", at)
    if node is None:
        return None
    nesting = [key for key in node if key in _NESTING_KEYS]
    if nesting and not any(key in node for key in ("left", "operator", "right")):
        # A whole condition written as an item: one error, not one per missing key.
        r.src.problem(r.at(node, nesting[0]), f"{where}: a nested condition in a condition item",
                      _NESTED_HINT)
        return None
    _known_keys(r, node, "item", where)
    operator = r.get(node, "operator", str, f"{where} condition")
    if operator is not None and operator not in OPERATORS:
        r.src.problem(r.at(node, "operator"), f"{where}: unknown operator '{operator}'",
                      "operators: " + ", ".join(OPERATORS))
    left = _operand(r, node, "left", where, required=True)
    right = _operand(r, node, "right", where,
                     required=operator not in assumptions.UNARY_OPERATORS)
    if operator is None or left is None:
        return None
    return ConditionItem(str(node.get("id", "")), left, operator, right)


def _operand(r: Reader, item: PosDict, side: str, where: str, required: bool) -> Operand | None:
    node = r.get(item, side, dict, f"{where} condition", required=required)
    if node is None:
        return None
    _known_keys(r, node, "operand", f"{where} {side}")
    resolver = r.get(node, "resolver", str, f"{where} {side}")
    params = r.get(node, "params", dict, f"{where} {side}", required=False, default={})
    if resolver is None:
        return None
    if resolver not in assumptions.RESOLVERS:
        r.src.problem(r.at(node, "resolver"), f"{where}: unknown resolver '{resolver}'",
                      "resolvers: " + ", ".join(sorted(assumptions.RESOLVERS)))
        return None
    need = {"context": "path", "variant": "stepId", "value": "value"}.get(resolver)
    if need is not None and need not in params:
        r.src.problem(r.at(node, "params" if "params" in node else "resolver"),
                      f"{where}: resolver '{resolver}' needs params.{need}")
    return Operand(resolver, params)
