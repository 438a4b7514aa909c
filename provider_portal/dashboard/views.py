"""The landing page after log-in: the figures each role needs first."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlmodel import Session, col
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import PROVIDER_STAFF, public, roles_required
from provider_portal.dashboard.alerts import (
    TERM_DEADLINE,
    contracts_running_out,
    low_attendance,
    open_registers,
    terms_ending,
    terms_expired,
)
from provider_portal.db import get_session
from provider_portal.exam_path.obligation import final_invoices_due
from provider_portal.models import Contract, Job, Learner, LearnerModule
from provider_portal.models.enums import PLATFORM_ROLES, ContractStatus, ModuleStatus, Role

bp = Blueprint("dashboard", __name__)
TERM_WARNING = timedelta(days=183)


@bp.route("/")
@public
def home() -> Response:
    return redirect(url_for("dashboard.index" if current_user.is_authenticated else "auth.login"))


@bp.route("/dashboard")
@roles_required(*Role)
def index() -> str | Response:
    if current_user.role == Role.LEARNER:
        return redirect(url_for("me.home"))
    if current_user.role == Role.TEACHER:  # a teacher's home: their own lessons of today and this week
        return redirect(url_for("register.today"))
    session = get_session()
    today = clock.today()

    def count(stmt: sa.Select) -> int:
        return int(session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one())

    by_route = session.execute(
        sa.select(col(Learner.route),
                  sa.func.count()).group_by(col(Learner.route)).order_by(col(Learner.route))
    ).all()
    expired, ending = terms_expired(today), terms_ending(today, TERM_WARNING)
    figures = {
        "learners": count(sa.select(col(Learner.id))),
        "active_contracts": count(sa.select(col(Contract.id))
                                  .where(col(Contract.status) == ContractStatus.ACTIVE)),
        "terms_expired": count(sa.select(col(Learner.id)).where(expired)),
        "terms_ending": count(sa.select(col(Learner.id)).where(ending)),
        "modules_open": count(
            sa.select(col(LearnerModule.learner_id)).where(col(LearnerModule.status) == ModuleStatus.REQUIRED)
        ),
    }

    def first(condition: sa.ColumnElement[bool]) -> list[Learner]:
        stmt = sa.select(Learner).where(condition).order_by(TERM_DEADLINE, Learner.last_name).limit(10)
        return list(session.execute(stmt).scalars())

    jobs = session.execute(sa.select(Job).order_by(col(Job.created_at).desc()).limit(5)).scalars().all()
    staff = current_user.role in PROVIDER_STAFF
    return render_template(
        "dashboard/index.html",
        figures=figures,
        by_route=by_route,
        expired=first(expired),
        ending=first(ending),
        jobs=jobs,
        is_planner=current_user.role == Role.PLANNER,
        # planners and platform admins read learners through the planning view (no BSN, loan or contracts)
        learner_page="planning.learner" if current_user.role in PLATFORM_ROLES else "learners.detail",
        alerts=_alerts(session, today) if staff else None,
    )


def _alerts(session: Session, today: date) -> dict[str, object]:
    config = current_app.config
    untaken, unsigned = open_registers(session, today)
    return {
        "low_attendance": low_attendance(
            session, today, config["ATTENDANCE_ALERT_THRESHOLD"], config["ATTENDANCE_ALERT_WEEKS"]
        ),
        "threshold": config["ATTENDANCE_ALERT_THRESHOLD"],
        "weeks": config["ATTENDANCE_ALERT_WEEKS"],
        "untaken": untaken,
        "unsigned": unsigned,
        "running_out": contracts_running_out(session),
        # money is for finance and the provider admin (a teacher sees no invoices, so no deadlines)
        "final_due": final_invoices_due(session, today) if current_user.role != Role.TEACHER else None,
    }
