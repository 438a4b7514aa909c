"""The lesson register for teachers and admins, and the presence code they show to learners."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import PROVIDER_STAFF, roles_required
from provider_portal.attendance.codes import MAX_FAILURES, grouped, presence_code, qr_svg, seconds_left
from provider_portal.attendance.queries import week_lessons
from provider_portal.attendance.service import (
    Mark,
    RegisterError,
    Row,
    StaleRegisterError,
    fill_everyone_present,
    may_sign,
    not_on_signed_register,
    presence_failures,
    register_rows,
    save_register,
    shown_changes,
    sign_register,
)
from provider_portal.attendance.statuses import STATUS_LABELS
from provider_portal.db import get_session, unit_of_work
from provider_portal.input_guards import db_int
from provider_portal.models import CourseClass, Lesson
from provider_portal.models.enums import ATTENDED, Role
from provider_portal.models.keys import pk
from provider_portal.pagination import get_or_404

bp = Blueprint("register", __name__)
TAKERS = (Role.PROVIDER_ADMIN, Role.TEACHER)


@bp.route("/lessons/today")
@roles_required(*TAKERS)
def today() -> str:
    """Today's lessons and the other days of this week (Monday to Sunday); a teacher sees only the
    classes they teach, and this is their home page after logging in."""
    session = get_session()
    day = clock.today()
    monday = day - timedelta(days=day.weekday())
    rows = week_lessons(session, monday, current_user.id if current_user.role == Role.TEACHER else None)
    return render_template(
        "register/today.html",
        today=day,
        lessons=[(lesson, course) for lesson, course in rows if lesson.lesson_date == day],
        week=[(lesson, course) for lesson, course in rows if lesson.lesson_date != day],
        mine=current_user.role == Role.TEACHER,
    )


@bp.route("/lessons/<int:lesson_id>", methods=["GET"])
@roles_required(*PROVIDER_STAFF)
def lesson(lesson_id: int) -> tuple[str, int]:
    return _page(get_or_404(get_session(), Lesson, lesson_id))


def _page(
    lesson: Lesson,
    errors: dict[str, str] | None = None,
    entered: dict[int, Mark] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    session = get_session()
    course = get_or_404(session, CourseClass, lesson.class_id)
    now = clock.now()
    changes, more_changes = shown_changes(session, request.args.get("changes") == "all", lesson_id=lesson.id)
    return render_template(
        "register/lesson.html",
        lesson=lesson,
        course=course,
        rows=register_rows(session, lesson),
        unlisted=[Row(learner, None) for learner in not_on_signed_register(session, lesson)]
        if current_user.role == Role.PROVIDER_ADMIN  # only they may correct a signed register
        else [],
        statuses=STATUS_LABELS,
        errors=errors or {},
        entered=entered or {},
        can_take=may_sign(session, current_user, lesson),
        changes=changes,
        more_changes=url_for("register.lesson", lesson_id=lesson.id, changes="all", _anchor="changes")
        if more_changes else None,
        failures=presence_failures(session, lesson),
        max_failures=MAX_FAILURES,
        started=now >= clock.lesson_start(lesson.lesson_date, lesson.start_time),
    ), status


@bp.route("/lessons/<int:lesson_id>", methods=["POST"])
@roles_required(*TAKERS)
def save(lesson_id: int) -> tuple[str, int] | Response:
    session = get_session()
    lesson = get_or_404(session, Lesson, lesson_id)
    if not may_sign(session, current_user, lesson):
        return render_template(
            "errors/error.html",
            code=403,
            message=_("Only a teacher of this class or a provider admin may take it."),
        ), 403
    marks, errors = _read_grid(request.form)
    if "everyone_present" in request.form:
        return _everyone_present(lesson, marks, errors)
    if errors:
        return _page(lesson, errors, marks, 400)
    try:  # the register shows a refusal in its grid, at the row or field it names
        with unit_of_work() as session:
            changed = save_register(
                session,
                lesson,
                list(marks.values()),
                user=current_user,
                version=request.form.get("version", -1, type=db_int),  # out of range: a stale register
                now=clock.now(),
                reason=request.form.get("reason", ""),
            )
    except StaleRegisterError as exc:
        session.expire_all()
        return _page(get_or_404(session, Lesson, lesson_id), {"lesson": str(exc.message)}, None, 409)
    except RegisterError as exc:
        return _page(lesson, {exc.field: str(exc.message)}, marks, 400)
    flash(_("Register saved (%(n)s changed).", n=changed), "success")
    return redirect(url_for("register.lesson", lesson_id=lesson_id))


def _everyone_present(lesson: Lesson, marks: dict[int, Mark], errors: dict[str, str]) -> tuple[str, int]:
    """Without JavaScript: show the grid with the empty rows set to present; nothing is saved yet."""
    rows = register_rows(get_session(), lesson)
    remarks = {pk(row.learner): request.form.get(f"remark-{row.learner.id}", "") for row in rows}
    filled = fill_everyone_present(lesson, rows, marks, remarks)
    if not errors:
        flash(_("Everyone without a status is now marked present. Check the register and save it."), "info")
    return _page(lesson, errors, filled, 400 if errors else 200)


def _read_grid(form: Mapping[str, str]) -> tuple[dict[int, Mark], dict[str, str]]:
    """Rows named status-<learner>, minutes-<learner>, remark-<learner>; blank status rows are skipped."""
    marks: dict[int, Mark] = {}
    errors: dict[str, str] = {}
    for key in form:
        if not key.startswith("status-"):
            continue
        try:
            learner_id = db_int(key.removeprefix("status-"))
        except ValueError:  # `status-abc`, `status-²` or an id the database cannot hold
            continue
        status = form[key]
        minutes_text = form.get(f"minutes-{learner_id}", "").strip()
        if not status:
            continue
        if minutes_text and not (minutes_text.isascii() and minutes_text.isdigit()):
            errors[f"minutes-{learner_id}"] = _("Minutes must be a whole number.")
            continue
        marks[learner_id] = Mark(
            learner_id,
            status,
            int(minutes_text) if minutes_text else None,
            form.get(f"remark-{learner_id}", ""),
        )
    return marks, errors


@bp.route("/lessons/<int:lesson_id>/sign", methods=["POST"])
@roles_required(*TAKERS)
def sign(lesson_id: int) -> tuple[str, int] | str | Response:
    session = get_session()
    lesson = get_or_404(session, Lesson, lesson_id)
    if request.form.get("confirm") != "1":  # signing locks the register: ask first, saying what it means
        return _sign_confirmation(lesson)
    try:  # the register shows a refusal above its grid
        with unit_of_work() as session:
            sign_register(session, lesson, current_user, clock.now())
    except RegisterError as exc:
        return _page(lesson, {"lesson": str(exc.message)}, None, 400)
    flash(_("Register signed and locked."), "success")
    return redirect(url_for("register.lesson", lesson_id=lesson_id))


def _sign_confirmation(lesson: Lesson) -> str | Response:
    """The confirmation step before signing: how many learners confirmed their presence themselves."""
    session = get_session()
    if lesson.signed:
        flash(_("This register is already signed."), "error")
        return redirect(url_for("register.lesson", lesson_id=lesson.id))
    rows = register_rows(session, lesson)
    present = [(row.learner, row.attendance) for row in rows
               if row.attendance is not None and row.attendance.status in ATTENDED]
    unconfirmed = [learner.full_name for learner, mark in present if mark.confirmed_at is None]
    course = get_or_404(session, CourseClass, lesson.class_id)
    return render_template(
        "register/sign_confirm.html",
        lesson=lesson,
        course=course,
        total=len(rows),
        present=len(present),
        unconfirmed=unconfirmed,
        missing=sum(1 for row in rows if row.attendance is None),
    )


@bp.route("/lessons/<int:lesson_id>/code")
@roles_required(*TAKERS)
def code(lesson_id: int) -> str:
    """The code only for whoever takes this lesson's register: a teacher of another class gets 404."""
    session = get_session()
    lesson = get_or_404(session, Lesson, lesson_id)
    if not may_sign(session, current_user, lesson):
        abort(404)
    now = clock.now()
    current = presence_code(current_app.config["SECRET_KEY"], pk(lesson), now)
    url = url_for("me.confirm", lesson=lesson.id, code=current, _external=True)
    refresh = seconds_left(now)
    return render_template(
        "register/code.html",
        lesson=lesson,
        shown=grouped(current),
        qr=qr_svg(url),
        refresh=refresh,
        expires=now + timedelta(seconds=refresh),
    )
