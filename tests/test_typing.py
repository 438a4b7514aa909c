"""The pure cores type-check: mypy, as configured in pyproject.toml, finds no error in them;
the portal's error count is held by a ratchet (tests/typing_ratchet.json) and may only fall.

Part of the suite (not only of `make lint`) so that CI enforces it. mypy keeps its cache in
.mypy_cache at the repository root: a warm run takes about a second, a cold one (fresh clone,
CI) some fifteen seconds, hence the `slow` mark.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_scheduler_and_billing_type_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # [tool.mypy] names its files, and the cache, relative to the root
    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                      "--cache-dir", str(ROOT / ".mypy_cache"),
                                      "scheduler", "billing"])
    assert status == 0, f"mypy found errors in scheduler/ or billing/:\n{stdout}{stderr}"


RATCHET = ROOT / "tests" / "typing_ratchet.json"


@pytest.mark.slow
def test_portal_type_errors_only_fall(monkeypatch: pytest.MonkeyPatch) -> None:
    """mypy over provider_portal/ with the same settings: the error count is held by a ratchet.

    Most remaining errors are SQLModel column comparisons typed as `bool` (`Model.field == x`);
    each file fixed with `sqlmodel.col()` lowers the count, and the recorded figure follows it down.
    """
    import json

    monkeypatch.chdir(ROOT)
    stdout, stderr, _ = api.run(["--config-file", str(ROOT / "pyproject.toml"),
                                 "--cache-dir", str(ROOT / ".mypy_cache"), "provider_portal"])
    assert not stderr.strip(), stderr
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    allowed = json.loads(RATCHET.read_text(encoding="utf-8"))["provider_portal"]
    assert len(errors) <= allowed, (
        f"mypy finds {len(errors)} errors in provider_portal/, more than the {allowed} recorded in "
        f"{RATCHET.name}; fix the new ones:\n" + "\n".join(errors[-40:]))
    assert len(errors) == allowed, (
        f"mypy finds {len(errors)} errors in provider_portal/, fewer than the {allowed} recorded: "
        f"lower the figure in {RATCHET.name} to {len(errors)} so it cannot rise again")
