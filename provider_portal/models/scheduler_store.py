"""APScheduler's job-store table, declared here so that Alembic (not APScheduler) creates it.

The columns mirror `apscheduler.jobstores.sqlalchemy.SQLAlchemyJobStore` (3.x); its own
`create(checkfirst=True)` then finds the table and leaves the schema alone.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

APSCHEDULER_TABLE = "apscheduler_jobs"

apscheduler_jobs = sa.Table(
    APSCHEDULER_TABLE,
    SQLModel.metadata,
    sa.Column("id", sa.Unicode(191), primary_key=True),
    sa.Column("next_run_time", sa.Float(25), index=True),
    sa.Column("job_state", sa.LargeBinary, nullable=False),
)
