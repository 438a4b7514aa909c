"""Planner pages: the learners of the planner's municipalities, with only what planning needs.

The tenant filter already limits rows to the planner's municipalities; these views also limit
the fields: no BSN, date of birth, loan or contract ever reaches a planner's page.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.consent.views import learner_progress
from provider_portal.db import get_session
from provider_portal.exam_path.overview import exam_overview
from provider_portal.forms_common import choices
from provider_portal.learners.forms import ROUTE_LABELS, LearnerFilterForm
from provider_portal.learners.service import LearnerFilter, learner_details, search_statement
from provider_portal.models import Learner
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404, paginate
from provider_portal.planning import queries
from provider_portal.policy import figures_on
from provider_portal.reference.places import LANGUAGES
from provider_portal.tenancy import TenantScope

bp = Blueprint("planning", __name__, url_prefix="/planning")


@bp.route("/learners")
@roles_required(Role.PLANNER, Role.PLATFORM_ADMIN)
def learners() -> str:
    session = get_session()
    form = LearnerFilterForm(request.args)
    scope: TenantScope | None = session.info.get("tenant")
    if scope is not None and scope.municipalities is not None:
        everywhere = form.municipality.choices[0]
        form.municipality.choices = [everywhere, *choices((m, m) for m in scope.municipalities)]
    form.validate()
    filters = LearnerFilter(
        q=form.q.data or "",
        route=form.route.data or "",
        municipality=form.municipality.data or "",
        language=form.language.data or "",
    )
    page = paginate(
        session,
        search_statement(filters),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    modules = queries.module_statuses(session, [int(learner.id or 0) for learner in page.items])
    exams = exam_overview(session, list(page.items), figures_on(session, clock.today()))
    return render_template("planning/learners.html", form=form, page=page, modules=modules, exams=exams,
                           routes=ROUTE_LABELS, args=form.pager_args(request.args))


@bp.route("/learners/<int:learner_id>")
@roles_required(Role.PLANNER, Role.PLATFORM_ADMIN)
def learner(learner_id: int) -> str:
    session = get_session()
    row = get_or_404(session, Learner, learner_id)
    plan = queries.learner_plan(session, row)
    figures = figures_on(session, clock.today())
    # consent is to share with the municipality: its planner sees progress, a platform admin never
    progress = learner_progress(int(row.id or 0)) if current_user.role == Role.PLANNER else None
    return render_template(
        "planning/learner.html",
        figures=figures,
        exam_rows=exam_overview(session, [row], figures)[int(row.id or 0)],
        bookings=plan.bookings,
        learner=row,
        routes=ROUTE_LABELS,
        provider_name=plan.provider_name,
        language_names=LANGUAGES,
        placements=plan.placements,
        progress=progress,
        # the exam results themselves (dates, levels, outcomes) leave only with consent to share exams
        results_shared=progress is not None and progress.results is not None,
        **learner_details(session, row),
    )
