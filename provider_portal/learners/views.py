"""Learner pages for provider staff: list with search and filters, detail, create and edit."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import LEARNER_EDITORS, PROVIDER_STAFF, roles_required
from provider_portal.attendance.service import shown_changes
from provider_portal.attendance.statuses import STATUS_LABELS
from provider_portal.db import get_session, unit_of_work
from provider_portal.downloads import attachment
from provider_portal.errors import show_refusals_on
from provider_portal.exam_path.audit import changes_of
from provider_portal.exam_path.overview import exam_overview
from provider_portal.hours.chart import month_bars_svg
from provider_portal.hours.service import hours_summary, milestones
from provider_portal.i18n import day
from provider_portal.labels import label
from provider_portal.learners import queries
from provider_portal.learners.forms import (
    MIGRANT_LABELS,
    ROUTE_LABELS,
    BsnLookupForm,
    LearnerFilterForm,
    LearnerForm,
)
from provider_portal.learners.service import (
    SORTS,
    LearnerData,
    LearnerFilter,
    find_by_bsn,
    learner_details,
    pick_label,
    pick_matches,
    save_learner,
    search_statement,
    sorted_statement,
)
from provider_portal.models import Learner
from provider_portal.models.enums import Role
from provider_portal.models.keys import pk
from provider_portal.pagination import get_or_404, paginate
from provider_portal.policy import figures_on
from provider_portal.reference.places import LANGUAGES, place_in
from provider_portal.transfer.tables import MAX_ROWS, write_csv
from provider_portal.users.forms import LearnerLoginForm
from provider_portal.users.service import create_user

bp = Blueprint("learners", __name__, url_prefix="/learners")


@bp.route("/")
@roles_required(*PROVIDER_STAFF)
def index() -> str | Response:
    form = LearnerFilterForm(request.args)
    form.validate()
    filters = LearnerFilter(**{name: form[name].data or "" for name in ("q", "route", "municipality",
                                                                       "language")})
    sort, descending = _sort()
    stmt = sorted_statement(search_statement(filters), sort, descending)
    if request.args.get("format") == "csv":
        return _export(stmt)
    number = request.args.get("page", 1, type=int)
    page = paginate(get_session(), stmt, number, current_app.config["PAGE_SIZE"])
    return render_template("learners/index.html", form=form, page=page, args=form.pager_args(request.args),
                           bsn_form=BsnLookupForm(), sort=sort, descending=descending,
                           routes=ROUTE_LABELS, can_edit=_can_edit())


def _sort() -> tuple[str, bool]:
    sort = request.args.get("sort", "name")
    return (sort if sort in SORTS else "name"), request.args.get("dir") == "desc"


def _export(stmt: sa.Select[tuple[Learner]]) -> Response:
    """The filtered list, sorted as shown, as CSV (the BSN masked, as in the list)."""
    heads = [_("Last name"), _("First name"), _("Date of birth"), _("BSN"), _("Route"), _("Municipality"),
             _("Term ends")]
    rows = ([x.last_name, x.first_name, x.date_of_birth, x.masked_bsn,
             str(label(x.route, "route")), x.municipality, x.term_deadline]
            for x in queries.first_rows(get_session(), stmt, MAX_ROWS))
    return attachment(write_csv(heads, rows), f"inburgeraars-{clock.today():%Y%m%d}.csv", "text/csv")


@bp.route("/find-bsn", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def find_bsn() -> Response:
    """Open the learner with this full BSN; the number travels only in the POST body."""
    form = BsnLookupForm()
    if not form.validate_on_submit():
        flash(_("Not a valid BSN: it must be 9 digits that pass the elfproef."), "error")
        return redirect(url_for("learners.index"))
    learner = find_by_bsn(get_session(), form.bsn.data or "")
    if learner is None:
        flash(_("No learner with this BSN."), "error")
        return redirect(url_for("learners.index"))
    return redirect(url_for("learners.detail", learner_id=learner.id))


@bp.route("/search", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def search() -> tuple[Response, int] | Response:
    """Type-ahead for learner pickers: at most 20 matches as JSON. The query travels in the POST body
    only (it may be a full BSN), so it never lands in a URL, browser history or access log."""
    if "q" in request.args:
        return jsonify(error=_("Send the search in the request body, not in the address.")), 400
    query = request.form.get("q", "")
    if len(query) > 100:
        return jsonify(error=_("The search is longer than %(n)s characters.", n=100)), 400
    found = pick_matches(get_session(), query)
    return jsonify(results=[{
        "id": x.id, "name": f"{x.last_name}, {x.first_name}", "born": day(x.date_of_birth),
        "bsn": f"••••••\u00a0{x.bsn[-3:]}", "municipality": x.municipality,
        "label": pick_label(x, day(x.date_of_birth)),
    } for x in found])


@bp.route("/<int:learner_id>")
@roles_required(*PROVIDER_STAFF)
def detail(learner_id: int) -> str:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    contracts = queries.contracts_of(session, learner)
    summary = hours_summary(session, learner, clock.today())
    figures = figures_on(session, clock.today())
    changes, more = shown_changes(session, request.args.get("changes") == "all", learner_id=learner.id)
    more_changes = (url_for("learners.detail", learner_id=learner.id, changes="all", _anchor="changes")
                    if more else None)
    return render_template("learners/detail.html", learner=learner, contracts=contracts,
                           figures=figures, path_changes=changes_of(session, pk(learner)),
                           exam_rows=exam_overview(session, [learner], figures)[pk(learner)],
                           summary=summary, milestones=milestones(learner, summary, figures.exemption_hours),
                           chart=month_bars_svg(summary.by_month, _("Hours per month")),
                           changes=changes, more_changes=more_changes, statuses=STATUS_LABELS,
                           classes=queries.classes_of(session, learner),
                           login=queries.login_of(session, learner),
                           routes=ROUTE_LABELS, migrant_types=MIGRANT_LABELS, language_names=LANGUAGES,
                           can_edit=_can_edit(),
                           place_known=place_in(learner.municipality, learner.place) is not None,
                           **learner_details(session, learner))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*LEARNER_EDITORS)
def create() -> str | Response:
    return _edit(None)


@bp.route("/<int:learner_id>/edit", methods=["GET", "POST"])
@roles_required(*LEARNER_EDITORS)
def edit(learner_id: int) -> str | Response:
    return _edit(get_or_404(get_session(), Learner, learner_id))


def _edit(learner: Learner | None) -> str | Response:
    session = get_session()
    form = LearnerForm(obj=learner)
    if learner is not None and request.method == "GET":
        form.languages.data = learner_details(session, learner)["languages"]
        form.loan_amount.data = learner.loan_amount
    if form.validate_on_submit():
        data = LearnerData(**{name: form[name].data for name in LearnerData.__dataclass_fields__
                              if name != "languages"}, languages=tuple(form.languages.data or ()))
        show_refusals_on(form, lambda: render_template("learners/form.html", form=form, learner=learner))
        with unit_of_work():
            saved = save_learner(session, data, learner)  # a duplicate BSN: DuplicateBsnError at `bsn`
        flash(_("Learner %(name)s saved.", name=saved.full_name), "success")
        return redirect(url_for("learners.detail", learner_id=saved.id))
    return render_template("learners/form.html", form=form, learner=learner)


@bp.route("/<int:learner_id>/login", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def login(learner_id: int) -> str | Response:
    """Give the learner their own login (norm 2.9.3: a digital register needs one per learner)."""
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    existing = queries.login_of(session, learner)
    form = LearnerLoginForm()

    def page() -> str:
        return render_template("learners/login.html", form=form, learner=learner, existing=existing)

    if existing is None and form.validate_on_submit():
        show_refusals_on(form, page)
        with unit_of_work() as session:
            create_user(session, email=form.email.data or "", name=learner.full_name, role=Role.LEARNER,
                        password=form.password.data or "", provider_id=learner.provider_id,
                        learner_id=learner.id)
        flash(_("%(name)s can now log in and confirm their presence.", name=learner.full_name), "success")
        return redirect(url_for("learners.detail", learner_id=learner.id))
    return page()


def _can_edit() -> bool:
    return current_user.role in LEARNER_EDITORS
