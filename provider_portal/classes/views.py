"""Class pages: list, create and edit with the weekly schedule, enrolments, lessons, closures."""

from __future__ import annotations

from datetime import date, time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session
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
from provider_portal.classes.queries import (
    CLASS_SORTS,
    CLASS_STATES,
    ClassFilter,
    class_detail,
    class_page,
    class_rows,
    class_sizes,
    class_teacher_ids,
    class_times,
    closure_list,
    learners_to_enrol,
    teacher_choices,
    visible_learner_ids,
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
from provider_portal.db import get_session, unit_of_work
from provider_portal.downloads import attachment
from provider_portal.errors import show_refusals_on
from provider_portal.forms_common import choices, given
from provider_portal.i18n import day
from provider_portal.learners.service import pick_label
from provider_portal.models import Closure, CourseClass, Enrolment, Learner, Lesson
from provider_portal.models.enums import Role
from provider_portal.models.keys import pk
from provider_portal.pagination import get_or_404
from provider_portal.transfer.tables import MAX_ROWS, write_csv

PICK_LIST_LIMIT = 200  # the no-JavaScript learner list; a sharper search narrows it

bp = Blueprint("classes", __name__)
ADMIN = (Role.PROVIDER_ADMIN,)


def _class_filter() -> ClassFilter:
    """The class list as the query string asks (newest first by default)."""
    state = request.args.get("state", "")
    sort = request.args.get("sort", "start")
    sort = sort if sort in CLASS_SORTS else "start"
    return ClassFilter(
        today=clock.today(),
        query=request.args.get("q", "").strip()[:100],
        state=state if state in CLASS_STATES else "",
        sort=sort,
        descending=request.args.get("dir", "desc" if sort == "start" else "asc") == "desc",
    )


@bp.route("/classes/")
@roles_required(*PROVIDER_STAFF)
def index() -> str | Response:
    session, filters = get_session(), _class_filter()
    if request.args.get("format") == "csv":
        return _classes_csv(session, filters)
    number = request.args.get("page", 1, type=int)
    page = class_page(session, filters, number, current_app.config["PAGE_SIZE"])
    sizes = class_sizes(session, filters.today)
    args = {k: v for k, v in (("q", filters.query), ("state", filters.state), ("sort", filters.sort),
                              ("dir", "desc" if filters.descending else "asc")) if v}
    return render_template("classes/index.html", courses=page.items, page=page, sizes=sizes, args=args,
                           sort=filters.sort, descending=filters.descending, states=_states(),
                           query=filters.query, state=filters.state)


def _states() -> list[tuple[str, str]]:
    return [("", _("All classes")), ("current", _("Running today")), ("upcoming", _("Upcoming")),
            ("ended", _("Ended"))]


def _classes_csv(session: Session, filters: ClassFilter) -> Response:
    """The filtered, sorted class list as CSV."""
    sizes = class_sizes(session, filters.today)
    heads = [_("Name"), _("Level"), _("Location"), _("Room"), _("From"), _("Until"), _("Learners"),
             _("Maximum size")]
    rows = ([c.name, c.level, c.location, c.room, c.start_date, c.end_date, sizes.get(pk(c), 0),
             c.max_size] for c in class_rows(session, filters, MAX_ROWS))
    return attachment(write_csv(heads, rows), f"klassen-{filters.today:%Y%m%d}.csv", "text/csv")


@bp.route("/classes/<int:class_id>")
@roles_required(*PROVIDER_STAFF)
def detail(class_id: int) -> str:
    session = get_session()
    course = get_or_404(session, CourseClass, class_id)
    shown = class_detail(session, class_id, current_user.id)
    return render_template(
        "classes/detail.html",
        course=course,
        slots=shown.slots,
        teachers=shown.teachers,
        enrolments=shown.enrolments,
        lessons=shown.lessons,
        weekdays=WEEKDAYS,
        enrol_form=_enrol_form(session, course),
        end_form=EndEnrolmentForm(),
        today=clock.today(),
        learner_q=request.args.get("learner_q", ""),
        is_teacher=shown.is_teacher,
    )


def _enrol_form(session: Session, course: CourseClass) -> EnrolForm:
    """The enrolment form. Its learner list (the picker without JavaScript) holds the learners matching
    `learner_q` (a name or a BSN's last digits), each with what tells them apart; a posted form accepts
    any learner the user may see."""
    form = EnrolForm()
    if request.method == "POST":
        form.learner_id.choices = [(lid, str(lid)) for lid in visible_learner_ids(session)]
        return form
    learners = learners_to_enrol(session, pk(course), request.args.get("learner_q", ""), clock.today(),
                                 PICK_LIST_LIMIT)
    form.learner_id.choices = choices((pk(x), pick_label(x, day(x.date_of_birth))) for x in learners)
    if request.method == "GET":
        form.from_date.data = max(clock.today(), course.start_date)
    return form


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
    form.teachers.choices = choices(teacher_choices(session))

    def page() -> str:
        return render_template("classes/form.html", form=form, course=course, weekdays=WEEKDAYS)

    if course is not None and request.method == "GET":
        form.teachers.data = class_teacher_ids(session, pk(course))
        for weekday, start, end in class_times(session, pk(course)):
            form[f"start_{weekday}"].data, form[f"end_{weekday}"].data = start, end
    if form.validate_on_submit():
        show_refusals_on(form, page)
        data = ClassData(
            name=form.name.data or "",
            level=form.level.data,
            location=form.location.data or "",
            room=form.room.data or "",
            start_date=given(form.start_date, form.start_date.data),
            end_date=given(form.end_date, form.end_date.data),
            max_size=given(form.max_size, form.max_size.data),
            teacher_ids=tuple(form.teachers.data or ()),
            slots=form.slots(),
            ona=form.ona.data,
        )
        with unit_of_work() as session:
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
            with unit_of_work() as session:
                enrol(session, course, learner, given(form.from_date, form.from_date.data),
                      form.to_date.data, signed_confirmed=confirmed)
        except SignedRegistersTouched as exc:  # not a refusal: the admin confirms on this page first
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
        with unit_of_work() as session:
            end_enrolment(session, enrolment, given(form.to_date, form.to_date.data))
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
        with unit_of_work() as session:
            add_lesson(session, course, *_lesson_times(form), form.note.data or "")
        flash(_("Lesson added."), "success")
        return redirect(url_for("classes.detail", class_id=class_id))
    return page()


def _lesson_times(form: LessonForm) -> tuple[date, time, time]:
    return (given(form.lesson_date, form.lesson_date.data), given(form.start_time, form.start_time.data),
            given(form.end_time, form.end_time.data))


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
        with unit_of_work() as session:
            move_lesson(session, lesson, *_lesson_times(form))
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
    with unit_of_work() as session:
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
        with unit_of_work() as session:
            add_closure(session, current_user.provider_id, given(form.first_day, form.first_day.data),
                        given(form.last_day, form.last_day.data), form.reason.data or "")
        flash(_("Closure saved; lessons in it were removed where no attendance was taken."), "success")
        return redirect(url_for("classes.closures"))
    return _closures_page(form)


def _closures_page(form: ClosureForm) -> str:
    return render_template("classes/closures.html", form=form, closures=closure_list(get_session()))


@bp.route("/closures/<int:closure_id>/delete", methods=["POST"])
@roles_required(*ADMIN)
def delete_closure(closure_id: int) -> Response:
    session = get_session()
    closure = get_or_404(session, Closure, closure_id)
    with unit_of_work() as session:
        remove_closure(session, closure)
    flash(_("Closure removed; its lessons are back in the schedule."), "success")
    return redirect(url_for("classes.closures"))
