"""Twins: the hidden suite as the sandbox sees it, rewritten for every run so that a forged
report shows (docs/grading-integrity.md).

Learner code runs inside the pytest process of the hidden tests, so it can rewrite any outcome.
What it cannot do is tell the true check from its twin. For every hidden test the host adds a
copy with one statement turned into its opposite (`==` into `!=`, `x` into `not x`, one query
more in `django_assert_num_queries`, a `pytest.raises` block without the `raises`), then gives
every test function, real or twin, a fresh random name and a random place beside its pair. A
test with an exact query count gets a second twin: one perturbs the count, one an assertion.
The perturbed statement stands where the original stood, at the top level of the test (never
inside an `if`, a loop, a `try` or a `pytest.raises` block), so for deterministic code at most
one of a pair can pass:

- honest code passes the real test and fails its twin, or fails both;
- a report in which both of a pair passed was forged, whatever the code.

The mapping from the random names back to the exercise's check ids stays on the host.
Pure functions; the caller supplies the randomness.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import functools
import random
from collections.abc import Callable

# Context managers whose body may stop half way (so an assertion inside may never run).
STOPPING_CONTEXTS = {"raises", "warns", "assertRaises", "assertRaisesMessage", "assertWarns", "deprecated_call"}
NUM_QUERIES = {"django_assert_num_queries", "assertNumQueries"}
FLIPPED = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn,
    ast.NotIn: ast.In, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt,
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class HiddenSuite:
    files: dict[str, bytes]  # relative path -> content, as sent to the sandbox
    run_ids: list[str]  # the node ids the sandbox runs
    real: dict[str, str]  # run id -> check id (the exercise's hidden test id)
    twins: dict[str, str]  # run id -> check id of the test it is the twin of
    untwinned: list[str]  # check ids that have no twin (no assertion at their top level)


def _context_name(item: ast.withitem) -> str:
    func = item.context_expr.func if isinstance(item.context_expr, ast.Call) else item.context_expr
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _query_count(item: ast.withitem) -> tuple[list, int] | None:
    """Where the exact query count of `django_assert_num_queries(N)` (or a helper called as
    `helper(django_assert_num_queries, N, ...)`) sits: (argument list, index)."""
    call = item.context_expr
    if not isinstance(call, ast.Call):
        return None
    if _context_name(item) in NUM_QUERIES:
        start = 0
    else:
        names = [i for i, arg in enumerate(call.args) if isinstance(arg, ast.Name) and arg.id in NUM_QUERIES]
        if not names:
            return None
        start = names[0] + 1
    if start < len(call.args) and isinstance(call.args[start], ast.Constant) and type(call.args[start].value) is int:
        return call.args, start
    return None


@dataclasses.dataclass
class _Module:
    """The module being rewritten: its helper functions, and the perturbed copies added to it."""

    helpers: dict[str, ast.FunctionDef]
    added: list[ast.FunctionDef]
    rng: random.Random
    taken: set[str]


def _is_fail_guard(stmt: ast.stmt) -> bool:
    """`if condition: pytest.fail(...)` with nothing else: an assertion that `condition` is false."""
    if not (isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1):
        return False
    call = stmt.body[0].value if isinstance(stmt.body[0], ast.Expr) else None
    func = call.func if isinstance(call, ast.Call) else None
    return (isinstance(func, ast.Attribute) and func.attr == "fail") or (
        isinstance(func, ast.Name) and func.id == "fail"
    )


def _flip_guard(stmt: ast.If) -> None:
    test = stmt.test
    stmt.test = (
        test.operand
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        else ast.UnaryOp(op=ast.Not(), operand=test)
    )


def _helper_call(stmt: ast.stmt, module: _Module | None) -> str | None:
    """The module helper that a top-level `helper(...)` statement calls, if it has perturbable
    assertions of its own at its top level."""
    if module is None or not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Call):
        return None
    func = stmt.value.func
    name = func.id if isinstance(func, ast.Name) else None
    if name in module.helpers and _candidates(copy.deepcopy(module.helpers[name]).body, module.rng)["assert"]:
        return name
    return None


def _call_perturbed_copy(call: ast.Call, name: str, module: _Module) -> None:
    """Point `call` at a copy of helper `name` with one of its assertions turned over."""
    clone = copy.deepcopy(module.helpers[name])
    module.rng.choice(_candidates(clone.body, module.rng)["assert"])()
    clone.name = f"_{_fresh_name(module.rng, module.taken)}"
    module.added.append(clone)
    call.func = ast.Name(id=clone.name, ctx=ast.Load())


def _candidates(
    body: list[ast.stmt], rng: random.Random, module: _Module | None = None
) -> dict[str, list[Callable[[], None]]]:
    """Ways to perturb one statement that always runs when the test runs to its end, each
    turning it into one that cannot succeed when the original does, by kind: "count" for an
    exact query count, "assert" for an assertion, a `pytest.fail` guard, an expected exception
    or a call of a module helper whose own assertions can be turned over."""
    found: dict[str, list[Callable[[], None]]] = {"count": [], "assert": []}
    for index, stmt in enumerate(body):
        helper = _helper_call(stmt, module)
        if isinstance(stmt, ast.Assert):
            found["assert"].append(functools.partial(_flip_assert, stmt, rng))
        elif _is_fail_guard(stmt):
            found["assert"].append(functools.partial(_flip_guard, stmt))
        elif helper is not None:
            found["assert"].append(functools.partial(_call_perturbed_copy, stmt.value, helper, module))
        elif isinstance(stmt, ast.With | ast.AsyncWith):
            names = {_context_name(item) for item in stmt.items}
            if names & STOPPING_CONTEXTS:
                if len(stmt.items) == 1 and _context_name(stmt.items[0]) in {"raises", "assertRaises"}:
                    # Without the `raises` the expected exception escapes: an error, never a pass.
                    found["assert"].append(functools.partial(body.__setitem__, slice(index, index + 1), stmt.body))
                continue
            for item in stmt.items:
                spot = _query_count(item)
                if spot is not None:
                    args, at = spot
                    found["count"].append(functools.partial(args.__setitem__, at, ast.Constant(args[at].value + 1)))
            inner = _candidates(stmt.body, rng, module)
            for kind in found:
                found[kind].extend(inner[kind])
        if _may_return(stmt):
            break  # a test can pass by returning here: what follows may never run
    return found


def _may_return(stmt: ast.stmt) -> bool:
    """Whether `stmt` holds a `return` of the function it is in (not of a nested function)."""
    pending = [stmt]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Return):
            return True
        pending.extend(
            child for child in ast.iter_child_nodes(node)
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef)
        )  # fmt: skip
    return False


def _flip_assert(node: ast.Assert, rng: random.Random) -> None:
    test = node.test
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and type(test.ops[0]) in FLIPPED:
        right = test.comparators[0]
        if (
            isinstance(test.ops[0], ast.Eq) and isinstance(right, ast.Constant) and type(right.value) is int
            and rng.random() < 0.5
        ):  # fmt: skip
            test.comparators[0] = ast.Constant(right.value + rng.choice([-2, -1, 1, 2]))
        else:
            test.ops[0] = FLIPPED[type(test.ops[0])]()
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        node.test = test.operand
    else:
        node.test = ast.UnaryOp(op=ast.Not(), operand=test)


def _fresh_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = f"test_{rng.getrandbits(40):010x}"
        if name not in taken:
            taken.add(name)
            return name


def suite_build(*, files: dict[str, bytes], check_ids: list[str], rng: random.Random) -> HiddenSuite:
    """Rename every hidden test and add its twin. Files without hidden tests pass unchanged."""
    by_path: dict[str, dict[str, str]] = {}
    for check_id in check_ids:
        path, _, name = check_id.partition("::")
        by_path.setdefault(path, {})[name] = check_id
    out = dict(files)
    real: dict[str, str] = {}
    twins: dict[str, str] = {}
    untwinned: list[str] = []
    taken: set[str] = set()
    for path, names in sorted(by_path.items()):
        if path not in files:
            continue
        module = ast.parse(files[path].decode("utf-8"), filename=path)
        helpers = {
            stmt.name: stmt for stmt in module.body
            if isinstance(stmt, ast.FunctionDef) and not stmt.name.startswith("test") and not stmt.decorator_list
        }  # fmt: skip
        state = _Module(helpers=helpers, added=[], rng=rng, taken=taken)
        body: list[ast.stmt] = []
        for stmt in module.body:
            if not (isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name in names):
                body.append(stmt)
                continue
            check_id = names[stmt.name]
            pair = [stmt]
            # One twin per kind of statement the test has: a forger that spares assertions but
            # rewrites query counts (or the reverse) still passes one twin.
            for kind in ("count", "assert"):
                twin = copy.deepcopy(stmt)
                spots = _candidates(twin.body, rng, state)[kind]
                if spots:
                    rng.choice(spots)()
                    pair.append(twin)
            if len(pair) == 1:
                untwinned.append(check_id)
            rng.shuffle(pair)
            for fn in pair:
                fn.name = _fresh_name(rng, taken)
                (real if fn is stmt else twins)[f"{path}::{fn.name}"] = check_id
            body.extend(pair)
        module.body = body + state.added
        out[path] = (ast.unparse(ast.fix_missing_locations(module)) + "\n").encode()
    run_ids = [*real, *twins]
    rng.shuffle(run_ids)
    return HiddenSuite(files=out, run_ids=run_ids, real=real, twins=twins, untwinned=untwinned)


def forged_pairs(suite: HiddenSuite, outcomes: dict[str, str]) -> list[str]:
    """Check ids whose real test and twin both passed: impossible for honest code."""
    passed_real = {check for run_id, check in suite.real.items() if outcomes.get(run_id) == "passed"}
    return sorted({check for run_id, check in suite.twins.items() if outcomes.get(run_id) == "passed"} & passed_real)
