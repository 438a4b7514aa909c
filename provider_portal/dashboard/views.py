"""The landing page after log-in: the figures each role needs first."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlmodel import Session
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import PROVIDER_STAFF, public, roles_required
from provider_portal.dashboard import queries
from provider_portal.dashboard.alerts import contracts_running_out, low_attendance, open_registers
from provider_portal.db import get_session
from provider_portal.exam_path.obligation import final_invoices_due
from provider_portal.models.enums import PLATFORM_ROLES, Role

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
    shown = queries.overview(session, today, TERM_WARNING)
    staff = current_user.role in PROVIDER_STAFF
    return render_template(
        "dashboard/index.html",
        figures=shown.figures,
        by_route=shown.by_route,
        expired=shown.expired,
        ending=shown.ending,
        jobs=shown.jobs,
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
