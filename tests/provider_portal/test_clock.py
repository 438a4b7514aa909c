"""The portal has one clock: no module but `provider_portal/clock.py` asks the system for today or now.

`date.today()` follows the server's time zone and cannot be frozen by tests; a page built on it
depends on the day (and hour) the suite runs.
"""

from __future__ import annotations

import re
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "provider_portal"
SYSTEM_CLOCK = re.compile(r"\bdate\.today\(\)|\bdatetime\.now\(\s*(AMSTERDAM|ZoneInfo|tz=)?")


def test_only_the_clock_module_reads_the_system_clock() -> None:
    offenders = [
        f"{path.relative_to(PORTAL)}:{number}"
        for path in sorted(PORTAL.rglob("*.py"))
        if path.name != "clock.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SYSTEM_CLOCK.search(line) and "UTC" not in line
    ]
    assert offenders == [], "use provider_portal.clock.today() / clock.now()"


def test_today_follows_the_frozen_clock(frozen_now) -> None:
    from datetime import date, datetime

    from provider_portal import clock

    frozen_now(datetime(2027, 1, 1, 0, 15))
    assert clock.today() == date(2027, 1, 1)
