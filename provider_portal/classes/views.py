"""Class pages: list, create and edit with the weekly schedule, enrolments, lessons, closures."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import PROVIDER_STAFF, roles_required
from provider_portal.classes.forms import (
    WEEKDAYS,
    CancelLessonForm,
    ClassForm,
    ClosureForm,
    EndEnrolmentForm,
    EnrolForm,
    LessonForm,
)
from provider_portal.classes.service import (
    ClassData,
    SignedRegistersTouched,
    add_closure,
    add_lesson,
    cancel_lesson,
    end_enrolment,
    enrol,
    move_lesson,
    remove_closure,
    save_class,
)
from provider_portal.db import get_session
from provider_portal.downloads import attachment
from provider_portal.errors import show_refusals_on
from provider_portal.forms_common import choices
from provider_portal.i18n import day
from provider_portal.learners.service import LearnerFilter, pick_label, search_statement
from provider_portal.models import (
    ClassSlot,
    ClassTeacher,
    Closure,
    CourseClass,
    Enrolment,
    Learner,
    Lesson,
    User,
)
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404, paginate
from provider_portal.transfer.tables import MAX_ROWS, write_csv

PICK_LIST_LIMIT = 200  # the no-JavaScript learner list; a sharper search narrows it

bp = Blueprint("classes", __name__)
ADMIN = (Role.PROVIDER_ADMIN,)


CLASS_SORTS = {
    "name": (CourseClass.name,),
    "level": (CourseClass.level, CourseClass.name),
    "location": (CourseClass.location, CourseClass.name),
    "start": (CourseClass.start_date, CourseClass.name),
}
CLASS_STATES = ("", "current", "upcoming", "ended")


def _class_list() -> tuple[sa.Select, dict[str, str], str, bool]:
    """The class list's statement from the query string: a search on name or location, the state
    (running today, upcoming, ended), the sort column and direction (newest first by default)."""
    today = clock.today()
    query = request.args.get("q", "").strip()[:100]
    state = request.args.get("state", "")
    state = state if state in CLASS_STATES else ""
    sort = request.args.get("sort", "start")
    sort = sort if sort in CLASS_SORTS else "start"
    descending = request.args.get("dir", "desc" if sort == "start" else "asc") == "desc"
    stmt = sa.select(CourseClass)
    if query:
        term = f"%{query.lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(CourseClass.name).like(term),
                                 sa.func.lower(CourseClass.location).like(term)))
    if state == "current":
        stmt = stmt.where(CourseClass.start_date <= today, CourseClass.end_date >= today)
    elif state == "upcoming":
        stmt = stmt.where(CourseClass.start_date > today)
    elif state == "ended":
        stmt = stmt.where(CourseClass.end_date < today)
    columns = [c.desc() if descending else c.asc() for c in CLASS_SORTS[sort]]
    args = {k: v for k, v in (("q", query), ("state", state), ("sort", sort),
                              ("dir", "desc" if descending else "asc")) if v}
    return stmt.order_by(*columns, CourseClass.id), args, sort, descending


@bp.route("/classes/")
@roles_required(*PROVIDER_STAFF)
def index() -> str | Response:
    session = get_session()
    stmt, args, sort, descending = _class_list()
    if request.args.get("format") == "csv":
        return _classes_csv(session, stmt)
    page = paginate(session, stmt, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    sizes = _sizes(session)
    return render_template("classes/index.html", courses=page.items, page=page, sizes=sizes, args=args,
                           sort=sort, descending=descending, states=_states(), query=args.get("q", ""),
                           state=args.get("state", ""))


def _states() -> list[tuple[str, str]]:
    return [("", _("All classes")), ("current", _("Running today")), ("upcoming", _("Upcoming")),
            ("ended", _("Ended"))]


def _sizes(session: sa.orm.Session) -> dict[int, int]:
    return dict(session.execute(
        sa.select(Enrolment.class_id, sa.func.count())
        .where(sa.or_(Enrolment.to_date.is_(None), Enrolment.to_date >= clock.today()))
        .group_by(Enrolment.class_id)).all())


def _classes_csv(session: sa.orm.Session, stmt: sa.Select) -> Response:
    """The filtered, sorted class list as CSV."""
    sizes = _sizes(session)
    heads = [_("Name"), _("Level"), _("Location"), _("Room"), _("From"), _("Until"), _("Learners"),
             _("Maximum size")]
    rows = ([c.name, c.level, c.location, c.room, c.start_date, c.end_date, sizes.get(c.id, 0), c.max_size]
            for c in session.execute(stmt.limit(MAX_ROWS)).scalars())
    return attachment(write_csv(heads, rows), f"klassen-{clock.today():%Y%m%d}.csv", "text/csv")


@bp.route("/classes/<int:class_id>")
@roles_required(*PROVIDER_STAFF)
def detail(class_id: int) -> str:
    session = get_session()
    course = get_or_404(session, CourseClass, class_id)
    slots = (
        session.execute(
            sa.select(ClassSlot).where(ClassSlot.class_id == class_id).order_by(ClassSlot.weekday)
        )
        .scalars()
        .all()
    )
    teachers = (
        session.execute(
            sa.select(User.name)
            .join(ClassTeacher, ClassTeacher.user_id == User.id)
            .where(ClassTeacher.class_id == class_id)
        )
        .scalars()
        .all()
    )
    enrolments = session.execute(
        sa.select(Enrolment, Learner)
        .join(Learner, Learner.id == Enrolment.learner_id)
        .where(Enrolment.class_id == class_id)
        .order_by(Learner.last_name, Learner.first_name)
    ).all()
    lessons = (
        session.execute(
            sa.select(Lesson)
            .where(Lesson.class_id == class_id)
            .order_by(Lesson.lesson_date, Lesson.start_time)
        )
        .scalars()
        .all()
    )
    enrol_form = _enrol_form(session, course)
    return render_template(
        "classes/detail.html",
        course=course,
        slots=slots,
        teachers=teachers,
        enrolments=enrolments,
        lessons=lessons,
        weekdays=WEEKDAYS,
        enrol_form=enrol_form,
        end_form=EndEnrolmentForm(),
        today=clock.today(),
        learner_q=request.args.get("learner_q", ""),
        is_teacher=session.execute(sa.select(ClassTeacher.user_id).where(
            ClassTeacher.class_id == class_id, ClassTeacher.user_id == current_user.id)).first() is not None,
    )


def _enrol_form(session: sa.orm.Session, course: CourseClass) -> EnrolForm:
    """The enrolment form. Its learner list (the picker without JavaScript) holds the learners matching
    `learner_q` (a name or a BSN's last digits), each with what tells them apart; a posted form accepts
    any learner the user may see."""
    form = EnrolForm()
    if request.method == "POST":
        ids = session.execute(sa.select(Learner.id)).scalars()
        form.learner_id.choices = [(lid, str(lid)) for lid in ids]
        return form
    query = request.args.get("learner_q", "")
    stmt = search_statement(LearnerFilter(q=query)).limit(PICK_LIST_LIMIT)
    enrolled = sa.select(Enrolment.learner_id).where(
        Enrolment.class_id == course.id,
        sa.or_(Enrolment.to_date.is_(None), Enrolment.to_date >= clock.today()))
    learners = session.execute(stmt.where(Learner.id.not_in(enrolled))).scalars()
    form.learner_id.choices = choices((x.id, pick_label(x, day(x.date_of_birth))) for x in learners)
    if request.method == "GET":
        form.from_date.data = max(clock.today(), course.start_date)
    return form


def _teacher_choices(form: ClassForm) -> None:
    teachers = (
        get_session()
        .execute(
            sa.select(User.id, User.name)
            .where(User.role.in_([Role.TEACHER, Role.PROVIDER_ADMIN]), User.active)
            .order_by(User.name)
        )
        .all()
    )
    form.teachers.choices = choices(teachers)


@bp.route("/classes/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def create() -> str | Response:
    return _edit(None)


@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@roles_required(*ADMIN)
def edit(class_id: int) -> str | Response:
    return _edit(get_or_404(get_session(), CourseClass, class_id))


def _edit(course: CourseClass | None) -> str | Response:
    session = get_session()
    form = ClassForm(obj=course)
    _teacher_choices(form)

    def page() -> str:
        return render_template("classes/form.html", form=form, course=course, weekdays=WEEKDAYS)

    if course is not None and request.method == "GET":
        form.teachers.data = list(
            session.execute(
                sa.select(ClassTeacher.user_id).where(ClassTeacher.class_id == course.id)
            ).scalars()
        )
        for slot in session.execute(sa.select(ClassSlot).where(ClassSlot.class_id == course.id)).scalars():
            form[f"start_{slot.weekday}"].data, form[f"end_{slot.weekday}"].data = (
                slot.start_time,
                slot.end_time,
            )
    if form.validate_on_submit():
        data = ClassData(
            name=form.name.data or "",
            level=form.level.data,
            location=form.location.data or "",
            room=form.room.data or "",
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            max_size=form.max_size.data,
            teacher_ids=tuple(form.teachers.data or ()),
            slots=form.slots(),
            ona=form.ona.data,
        )
        show_refusals_on(form, page)
        saved = save_class(session, data, course)
        flash(_("Class %(name)s saved; its lessons follow the schedule.", name=saved.name), "success")
        return redirect(url_for("classes.detail", class_id=saved.id))
    return page()


@bp.route("/classes/<int:class_id>/enrol", methods=["POST"])
@roles_required(*ADMIN)
def enrol_learner(class_id: int) -> str | Response:
    session = get_session()
    course = get_or_404(session, CourseClass, class_id)
    form = _enrol_form(session, course)
    if form.validate_on_submit():
        learner = get_or_404(session, Learner, form.learner_id.data)
        confirmed = request.form.get("signed_confirmed") == "1"  # the admin has seen the signed registers
        try:
            enrol(
                session, course, learner, form.from_date.data, form.to_date.data, signed_confirmed=confirmed
            )
        except SignedRegistersTouched as exc:
            return render_template(
                "classes/enrol_confirm.html", course=course, learner=learner, form=form, lessons=exc.lessons
            )
        flash(_("%(name)s enrolled.", name=learner.full_name), "success")
    else:
        flash(
            _(
                "Enrolment not saved: %(errors)s",
                errors="; ".join(
                    f"{form[name].label.text}: {' '.join(map(str, errs))}"
                    for name, errs in form.errors.items()
                ),
            ),
            "error",
        )
    return redirect(url_for("classes.detail", class_id=class_id))


@bp.route("/enrolments/<int:enrolment_id>/end", methods=["POST"])
@roles_required(*ADMIN)
def end(enrolment_id: int) -> Response:
    session = get_session()
    enrolment = get_or_404(session, Enrolment, enrolment_id)
    form = EndEnrolmentForm()
    if form.validate_on_submit():
        end_enrolment(session, enrolment, form.to_date.data)
        flash(_("Enrolment ended."), "success")
    else:
        flash(_("Give the last day of the enrolment."), "error")
    return redirect(url_for("classes.detail", class_id=enrolment.class_id))


@bp.route("/classes/<int:class_id>/lessons/new", methods=["GET", "POST"])
@roles_required(*ADMIN)
def new_lesson(class_id: int) -> str | Response:
    session = get_session()
    course = get_or_404(session, CourseClass, class_id)
    form = LessonForm()

    def page() -> str:
        return render_template("classes/lesson_form.html", form=form, course=course, lesson=None)

    if form.validate_on_submit():
        show_refusals_on(form, page)
        add_lesson(session, course, form.lesson_date.data, form.start_time.data, form.end_time.data,
                   form.note.data or "")
        flash(_("Lesson added."), "success")
        return redirect(url_for("classes.detail", class_id=class_id))
    return page()


@bp.route("/lessons/<int:lesson_id>/move", methods=["GET", "POST"])
@roles_required(*ADMIN)
def move(lesson_id: int) -> str | Response:
    session = get_session()
    lesson = get_or_404(session, Lesson, lesson_id)
    course = get_or_404(session, CourseClass, lesson.class_id)
    form = LessonForm(obj=lesson)

    def page() -> str:
        return render_template("classes/lesson_form.html", form=form, course=course, lesson=lesson,
                               cancel_form=CancelLessonForm())

    if form.validate_on_submit():
        show_refusals_on(form, page)
        move_lesson(session, lesson, form.lesson_date.data, form.start_time.data, form.end_time.data)
        flash(_("Lesson moved."), "success")
        return redirect(url_for("classes.detail", class_id=course.id))
    return page()


@bp.route("/lessons/<int:lesson_id>/cancel", methods=["POST"])
@roles_required(*ADMIN)
def cancel(lesson_id: int) -> Response:
    session = get_session()
    lesson = get_or_404(session, Lesson, lesson_id)
    form = CancelLessonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for cancelling the lesson."), "error")
        return redirect(url_for("classes.move", lesson_id=lesson_id))
    cancel_lesson(session, lesson, form.reason.data or "")
    flash(_("Lesson cancelled."), "success")
    return redirect(url_for("classes.detail", class_id=lesson.class_id))


@bp.route("/closures/")
@roles_required(*PROVIDER_STAFF)
def closures() -> str:
    return _closures_page(ClosureForm())


@bp.route("/closures/", methods=["POST"])
@roles_required(*ADMIN)
def new_closure() -> str | Response:
    form = ClosureForm()
    if form.validate_on_submit():
        show_refusals_on(form, lambda: _closures_page(form))
        add_closure(get_session(), current_user.provider_id, form.first_day.data, form.last_day.data,
                    form.reason.data or "")
        flash(_("Closure saved; lessons in it were removed where no attendance was taken."), "success")
        return redirect(url_for("classes.closures"))
    return _closures_page(form)


def _closures_page(form: ClosureForm) -> str:
    rows = get_session().execute(sa.select(Closure).order_by(Closure.first_day.desc())).scalars().all()
    return render_template("classes/closures.html", form=form, closures=rows)


@bp.route("/closures/<int:closure_id>/delete", methods=["POST"])
@roles_required(*ADMIN)
def delete_closure(closure_id: int) -> Response:
    session = get_session()
    remove_closure(session, get_or_404(session, Closure, closure_id))
    flash(_("Closure removed; its lessons are back in the schedule."), "success")
    return redirect(url_for("classes.closures"))
