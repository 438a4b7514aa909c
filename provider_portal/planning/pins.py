"""Pinning a published placement or exam booking from the planner's learner page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from sqlmodel import col
from werkzeug.wrappers import Response

from provider_portal.db import get_session, unit_of_work
from provider_portal.models import ExamBooking, Learner, Placement
from provider_portal.pagination import get_or_404
from provider_portal.planning.runs import toggle_pin


def pin_view(
    model: type[Placement] | type[ExamBooking],
    key: str,
    learner_id: int,
    *,
    missing: str,
    pinned: str,
    unpinned: str,
) -> Response:
    """Toggle the learner's published row whose `key` column equals the posted field of that name."""
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    column = getattr(model, key)
    row = session.execute(
        sa.select(model).where(col(model.learner_id) == learner.id, column == request.form.get(key, ""))
    ).scalar_one_or_none()
    if row is None:
        flash(missing, "error")
    else:
        with unit_of_work():
            now_pinned = toggle_pin(session, row)
        flash(pinned if now_pinned else unpinned, "success")
    return redirect(url_for("planning.learner", learner_id=learner.id))
