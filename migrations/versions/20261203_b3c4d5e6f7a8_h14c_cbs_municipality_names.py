"""h14c: municipalities are stored by their CBS name ("Den Haag" -> "'s-Gravenhage",
"Rijswijk" -> "Rijswijk (ZH.)"); the full CBS list ships in provider_portal/reference/.

Solver runs keep the names they were run with (a record of what happened). Downgrade renames back.
A planner who already had both spellings keeps one row.

Revision ID: b3c4d5e6f7a8
Revises: a61f2c9d7e10
Create Date: 2026-12-03 08:05:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'b3c4d5e6f7a8'
down_revision: str | None = 'a61f2c9d7e10'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMES = (("Den Haag", "'s-Gravenhage"), ("Rijswijk", "Rijswijk (ZH.)"))
TABLES = ("learner", "cohort", "trainer")


def _rename(pairs: Sequence[tuple[str, str]]) -> None:
    bind = op.get_bind()
    for old, new in pairs:
        for table in TABLES:
            bind.execute(sa.text(f"UPDATE {table} SET municipality = :new WHERE municipality = :old"),
                         {"old": old, "new": new})
        # planner_municipality's key includes the name: drop a row the rename would duplicate
        bind.execute(sa.text(
            "DELETE FROM planner_municipality WHERE municipality = :old AND user_id IN "
            "(SELECT user_id FROM planner_municipality WHERE municipality = :new)"), {"old": old, "new": new})
        bind.execute(sa.text("UPDATE planner_municipality SET municipality = :new WHERE municipality = :old"),
                     {"old": old, "new": new})


def upgrade() -> None:
    _rename(RENAMES)


def downgrade() -> None:
    _rename([(new, old) for old, new in RENAMES])
