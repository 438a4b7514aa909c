"""What was e-mailed from a published run: one row per run, kind and recipient."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.types import UTCDateTime, utcnow


class RunMail(SQLModel, table=True):
    """One message of a run to one recipient: a learner's invitation letter (`recipient_id` is the
    learner) or a trainer's participant lists (the trainer). The unique key makes sending
    idempotent: a double click or a retried job finds the row and never sends it twice.

    `status`: pending, sending (claimed by the job, between claim and the server's answer),
    sent, failed (sent again by the next send), no_address, interrupted (the jobs process stopped
    while it was being sent: perhaps it arrived, so it is not sent again by itself)."""

    __tablename__ = "run_mail"
    __table_args__ = (sa.UniqueConstraint("run_id", "kind", "recipient_id", name="uq_run_mail_recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="plan_run.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)  # learner_letter | trainer_list
    recipient_id: int
    recipient_name: str = Field(max_length=200)
    address: str = Field(default="", max_length=254)
    subject: str = Field(default="", max_length=300)
    status: str = Field(default="pending", max_length=12)
    error: str | None = Field(default=None, max_length=500)
    attempts: int = 0
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
