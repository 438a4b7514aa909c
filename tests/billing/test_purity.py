"""The billing core stays pure: no web framework, no database, no portal code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "sqlalchemy", "sqlmodel", "provider_portal", "alembic")


def test_importing_every_billing_module_loads_no_framework_or_database() -> None:
    modules = sorted(p.stem for p in (ROOT / "billing").glob("*.py") if p.stem != "__main__")
    code = (f"import sys\nfor m in {modules!r}: __import__('billing.' + m)\n"
            f"print(' '.join(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=True)
    assert len(modules) > 10
    assert done.stdout.strip() == ""
