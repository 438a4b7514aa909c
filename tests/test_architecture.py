"""docs/architecture.md holds: the cores import nothing of the portal or of each other, and every
path the page names exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"


def imported(package: str) -> dict[str, set[str]]:
    """Per module file of `package`, the top-level module names it imports (absolute imports)."""
    out: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
        out[str(path.relative_to(ROOT))] = names
    return out


def offending(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{file} imports {name}" for file, names in imported(package).items() for name in sorted(names)
            if name.split(".")[0] in forbidden or any(name.startswith(f + ".") or name == f
                                                       for f in forbidden)]


@pytest.mark.parametrize(("package", "forbidden"), [
    ("scheduler", ("provider_portal", "billing", "migrations", "flask", "sqlmodel", "sqlalchemy")),
    ("billing", ("provider_portal", "scheduler", "migrations", "flask", "sqlmodel", "sqlalchemy")),
    ("scheduler/sessions", ("scheduler.exams",)),
    ("scheduler/exams", ("scheduler.sessions",)),
    ("scheduler/common", ("scheduler.exams", "scheduler.sessions")),
    ("provider_portal", ("migrations",)),
])
def test_dependencies_point_from_the_portal_to_the_cores_only(package, forbidden):
    assert offending(package, forbidden) == []


def test_the_checker_is_independent_of_the_solver_it_checks():
    for core in ("sessions", "exams"):
        names = imported(f"scheduler/{core}")[f"scheduler/{core}/check.py"]
        assert f"scheduler.{core}.constraints" not in names, f"{core}/check.py must re-check on its own"


def test_a_forbidden_import_is_found(tmp_path, monkeypatch):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "x.py").write_text("from provider_portal.clock import today\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert offending("core", ("provider_portal",)) == ["core/x.py imports provider_portal.clock"]


def named_paths(text: str) -> set[str]:
    """Backticked repository paths (`billing/money.py`, `docs/schemas/`), and the portal's packages
    and modules in the diagram's portal box."""
    paths = {p for p in re.findall(r"`([^`\s]+)`", text)
             if "/" in p and not p.startswith(("http", "-")) and "<" not in p}
    box = text.split("provider_portal/ ---", 1)[1].split("+---", 1)[0]
    paths |= {f"provider_portal/{name}" for name in re.findall(r"\b([a-z_]+/|[a-z_]+\.py)", box)}
    return paths


def test_every_path_the_architecture_page_names_exists():
    paths = named_paths(DOC.read_text(encoding="utf-8"))
    assert len(paths) > 30
    assert sorted(p for p in paths if not (ROOT / p).exists()) == []


# --- transactions: only the boundaries commit or roll back (docs/architecture.md, "Transactions") --

ENDS_A_TRANSACTION = ("commit", "rollback", "begin")  # `with x.begin():` commits when its block ends

# The functions that may end a transaction, file by file, and why each is a boundary.
TRANSACTION_BOUNDARIES: dict[str, set[str]] = {
    # `unit_of_work`: the one boundary of a request's, a command's and a jobs tick's work.
    "provider_portal/db.py": {"_commit_or_roll_back"},
    # The error handler ends the request's failed transaction (a refusal no view answered, an HTTP
    # error, an unexpected exception) before the error page runs its own queries: no service work
    # is committed there, only the request's transaction is closed.
    "provider_portal/errors.py": {"_roll_back"},
    # The jobs machinery's own short transactions, each the boundary of its step and taking no
    # session: claiming a job (per candidate, so a lost race costs one row), recording a run's
    # outcome, the reaper and the hand-back at shutdown.
    "provider_portal/jobs/queue.py": {"claim_next", "_claim_skip_locked", "run_job", "reap_stale",
                                      "release_running"},
    # A running job's progress and heartbeat, committed on their own so the portal and the reaper
    # see them while the handler's own unit of work is still open.
    "provider_portal/jobs/context.py": {"JobContext.progress", "beat"},
    # (`jobs/process.py`'s ticks and handlers use `unit_of_work(engine)` and need no entry.)
}

# Files allowed to commit while a conversion to the unit of work is under way. Empty since issue 15
# point 6 landed: every service only flushes. The test fails when a file listed here no longer
# commits (take it out) and when a file in neither list does.
STILL_CONVERTING: set[str] = set()


def transaction_ends(package: str) -> list[tuple[str, str, int]]:
    """Every `.commit()`, `.rollback()` and `.begin()` call in `package`: (file, function, line),
    the function named with its class (`JobContext.progress`), "" at module level."""
    found: list[tuple[str, str, int]] = []

    def visit(node: ast.AST, file: str, scope: tuple[str, ...]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                visit(child, file, (*scope, child.name))
                continue
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and child.func.attr in ENDS_A_TRANSACTION):
                found.append((file, ".".join(scope), child.lineno))
            visit(child, file, scope)

    for path in sorted((ROOT / package).rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), str(path.relative_to(ROOT)), ())
    return found


def outside_the_boundaries(package: str, converting: set[str]) -> list[str]:
    return [f"{file}:{line} ({function or 'module level'}) ends a transaction: services flush, the "
            "caller's db.unit_of_work commits" for file, function, line in transaction_ends(package)
            if function not in TRANSACTION_BOUNDARIES.get(file, set()) and file not in converting]


def test_only_the_transaction_boundaries_commit():
    assert outside_the_boundaries("provider_portal", STILL_CONVERTING) == []
    ends = transaction_ends("provider_portal")
    ending_files = {file for file, _function, _line in ends}
    assert sorted(STILL_CONVERTING - ending_files) == [], "converted: take these out of STILL_CONVERTING"
    used = {(file, function) for file, function, _line in ends}
    stale = sorted(f"{file}: {function}" for file, functions in TRANSACTION_BOUNDARIES.items()
                   for function in functions if (file, function) not in used)
    assert stale == [], "boundaries that no longer end a transaction: take them out"


def test_a_service_that_commits_is_found(tmp_path, monkeypatch):
    (tmp_path / "portal").mkdir()
    (tmp_path / "portal" / "service.py").write_text(
        "def save(session):\n    session.add(1)\n    session.commit()\n\n"
        "class Step:\n    def undo(self, s):\n        s.rollback()\n"
    )
    (tmp_path / "portal" / "ok.py").write_text("def save(session):\n    session.flush()\n")
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    assert [line.split(" ")[0:2] for line in outside_the_boundaries("portal", set())] == [
        ["portal/service.py:3", "(save)"], ["portal/service.py:7", "(Step.undo)"]]
    assert outside_the_boundaries("portal", {"portal/service.py"}) == []
