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
