"""APScheduler's former job-store table, still declared so that models and migrations agree.

Unused since the jobs process keeps its ticks in memory (issue 13: scheduled work is derived on
every tick, so nothing needs remembering); a later migration may drop it. The columns mirror
`apscheduler.jobstores.sqlalchemy.SQLAlchemyJobStore` (3.x).
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
