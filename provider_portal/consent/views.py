"""Consent pages: provider staff record and withdraw it; the municipality's planner reads the report."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import PROVIDER_STAFF, roles_required
from provider_portal.consent.forms import ConsentForm, PeriodForm, WithdrawForm
from provider_portal.consent.progress import (
    RESULTS_RECORDED,
    ProgressReport,
    ProgressRow,
    progress_report,
    report_csv,
    report_pdf,
)
from provider_portal.consent.service import (
    ConsentData,
    consent_history,
    consent_of,
    in_force,
    record_consent,
    shared_parts,
    withdraw_consent,
)
from provider_portal.db import engine, get_session, unit_of_work
from provider_portal.downloads import attachment
from provider_portal.errors import show_refusals_on
from provider_portal.forms_common import given
from provider_portal.i18n import message_day
from provider_portal.models import Learner
from provider_portal.models.enums import Role
from provider_portal.models.keys import pk
from provider_portal.pagination import get_or_404
from provider_portal.planning.scope import my_municipalities

bp = Blueprint("consent", __name__)


def _page(session: Session, learner: Learner, form: ConsentForm | None = None,
          withdraw: WithdrawForm | None = None, status: int = 200) -> tuple[str, int]:
    consent = consent_of(session, pk(learner))
    today = clock.today()
    if form is None:
        current = consent is not None and consent.withdrawn_on is None
        form = ConsentForm(obj=consent) if current else ConsentForm()
        if form.given_on.data is None:
            form.given_on.data = today
    if withdraw is None:
        withdraw = WithdrawForm(withdrawn_on=today)
    return render_template(
        "consent/learner.html", learner=learner, consent=consent, form=form, withdraw=withdraw,
        in_force=in_force(consent, today), parts=shared_parts(consent, today),
        history=consent_history(session, pk(learner)),
    ), status


@bp.route("/learners/<int:learner_id>/consent", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def learner(learner_id: int) -> str | Response | tuple[str, int]:
    session = get_session()
    row = get_or_404(session, Learner, learner_id)
    if request.method == "GET":
        return _page(session, row)
    if current_user.role != Role.PROVIDER_ADMIN:
        return render_template("errors/error.html", code=403,
                               message=_("Only a provider administrator records consent.")), 403
    form = ConsentForm()
    if form.validate_on_submit():
        show_refusals_on(form, lambda: _page(session, row, form=form, status=400))
        data = ConsentData(given(form.given_on, form.given_on.data), bool(form.share_hours.data),
                           bool(form.share_modules.data), bool(form.share_exams.data))
        with unit_of_work() as session:
            record_consent(session, row, data, current_user.id)
        flash(_("Consent recorded for %(name)s.", name=row.full_name), "success")
        return redirect(url_for("consent.learner", learner_id=row.id))
    return _page(session, row, form=form, status=400)


@bp.route("/learners/<int:learner_id>/consent/withdraw", methods=["POST"])
@roles_required(Role.PROVIDER_ADMIN)
def withdraw(learner_id: int) -> Response | tuple[str, int]:
    session = get_session()
    row = get_or_404(session, Learner, learner_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        show_refusals_on(form, lambda: _page(session, row, withdraw=form, status=400))
        withdrawn_on = given(form.withdrawn_on, form.withdrawn_on.data)
        with unit_of_work() as session:
            withdraw_consent(session, row, withdrawn_on, current_user.id)
        flash(_("Consent withdrawn: from %(day)s nothing of %(name)s is shared with the municipality.",
                day=message_day(withdrawn_on), name=row.full_name), "success")
        return redirect(url_for("consent.learner", learner_id=row.id))
    return _page(session, row, withdraw=form, status=400)


def _period(form: PeriodForm) -> tuple[date, date]:
    today = clock.today()
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    first = form.first.data or quarter_start
    last = form.last.data or today
    return first, last


def _report_request() -> tuple[PeriodForm, date, date, bool]:
    form = PeriodForm(request.args)
    ok = form.validate()
    first, last = _period(form)
    if ok:
        form.first.data, form.last.data = first, last
    if ok and last < first:
        form.last.errors = [_("The period must end on or after its first day.")]
        ok = False
    return form, first, last, ok


def _report(first: date, last: date) -> ProgressReport:
    with Session(engine(), expire_on_commit=False) as raw:
        return progress_report(get_session(), raw, first, last, clock.today())


@bp.route("/planning/progress")
@roles_required(Role.PLANNER)
def report() -> str | tuple[str, int]:
    form, first, last, ok = _report_request()
    if not ok:
        return render_template("consent/report.html", form=form, report=None, args={}), 400
    data = _report(first, last)
    return render_template("consent/report.html", form=form, report=data,
                           args={"first": first.isoformat(), "last": last.isoformat()},
                           results_recorded=RESULTS_RECORDED, towns=my_municipalities())


@bp.route("/planning/progress.<fmt>")
@roles_required(Role.PLANNER)
def download(fmt: str) -> Response | tuple[str, int]:
    form, first, last, ok = _report_request()
    if fmt not in ("csv", "pdf"):
        return render_template("errors/error.html", code=404, message=_("Not found.")), 404
    if not ok:
        errors = "; ".join(f"{form[name].label.text}: {' '.join(map(str, errs))}"
                           for name, errs in form.errors.items())
        return render_template("errors/error.html", code=400, message=errors), 400
    data = _report(first, last)
    name = f"voortgang-{first.isoformat()}-{last.isoformat()}"
    if fmt == "csv":
        return attachment(report_csv(data), f"{name}.csv", "text/csv; charset=utf-8")
    return attachment(report_pdf(data, my_municipalities()), f"{name}.pdf", "application/pdf")


def learner_progress(learner_id: int) -> ProgressRow | None:
    """The planner's card on a learner's page: their progress since consent, or None without it."""
    today = clock.today()
    with Session(engine(), expire_on_commit=False) as raw:
        report = progress_report(get_session(), raw, date(1900, 1, 1), today, today, learner_id=learner_id)
    return report.rows[0] if report.rows else None
