"""The pure cores type-check: mypy, as configured in pyproject.toml, finds no error in them.

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
