"""The learner's own pages: today's lessons, confirming presence with the code, and their hours."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.attendance.queries import day_lessons_of
from provider_portal.attendance.service import RegisterError, confirm_with_code
from provider_portal.attendance.statuses import STATUS_LABELS
from provider_portal.db import get_session, unit_of_work
from provider_portal.extensions import limiter
from provider_portal.hours.chart import month_bars_svg
from provider_portal.hours.service import hours_summary
from provider_portal.models import CourseClass, Learner, Lesson
from provider_portal.models.enums import Role
from provider_portal.models.keys import pk
from provider_portal.pagination import get_or_404

bp = Blueprint("me", __name__, url_prefix="/me")


@bp.route("/")
@roles_required(Role.LEARNER)
def home() -> str:
    session = get_session()
    learner = get_or_404(session, Learner, current_user.learner_id)
    now = clock.now()
    lessons = day_lessons_of(session, pk(learner), now.date())
    summary = hours_summary(session, learner, now.date())
    return render_template(
        "me/home.html",
        learner=learner,
        lessons=lessons,
        summary=summary,
        statuses=STATUS_LABELS,
        chart=month_bars_svg(summary.by_month, _("Hours per month")),
    )


def _presence_limit() -> str:
    """Presence codes a learner may send (second line behind MAX_FAILURES per lesson)."""
    return str(current_app.config["PRESENCE_RATE_LIMIT"])


def _learner_key() -> str:
    """Per account, not per address: a class confirms from one school network."""
    return f"presence-user:{getattr(current_user, 'id', None) or request.remote_addr}"


@bp.route("/confirm", methods=["GET", "POST"])
@limiter.limit(_presence_limit, methods=["POST"], key_func=_learner_key)
@roles_required(Role.LEARNER)
def confirm() -> tuple[str, int] | Response:
    session = get_session()
    lesson_id = request.values.get("lesson", type=int)
    lesson = get_or_404(session, Lesson, lesson_id or 0)
    code = request.values.get("code", "")
    error = None
    if request.method == "POST":
        learner = get_or_404(session, Learner, current_user.learner_id)
        secret = current_app.config["SECRET_KEY"]
        try:  # the page shows a refusal at the code field
            with unit_of_work() as session:  # a wrong code is recorded even though it is refused
                refusal = confirm_with_code(session, lesson, learner, current_user, code, secret, clock.now())
        except RegisterError as exc:
            refusal = exc
        if refusal is None:
            flash(_("Your presence is confirmed."), "success")
            return redirect(url_for("me.home"))
        error = str(refusal.message)
    course = get_or_404(session, CourseClass, lesson.class_id)
    return render_template("me/confirm.html", lesson=lesson, course=course, code=code, error=error), (
        400 if error else 200
    )
