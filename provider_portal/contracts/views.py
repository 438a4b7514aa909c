"""Contract pages: list, create and edit under a learner, terminate, complete."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import LEARNER_FIELDS, roles_required
from provider_portal.contracts.forms import ContractForm, TerminationForm
from provider_portal.contracts.queries import contract_page, learner_names, next_contract_number
from provider_portal.contracts.service import (
    ContractData,
    complete_contract,
    save_contract,
    terminate_contract,
)
from provider_portal.db import get_session, unit_of_work
from provider_portal.errors import show_refusals_on
from provider_portal.forms_common import given
from provider_portal.models import Contract, Learner
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404

bp = Blueprint("contracts", __name__)
MANAGERS = (Role.PROVIDER_ADMIN, Role.FINANCE)


@bp.route("/contracts/")
@roles_required(*LEARNER_FIELDS["contracts"][0])
def index() -> str:
    status = request.args.get("status", "")
    session = get_session()
    page = contract_page(session, status, request.args.get("page", 1, type=int),
                         current_app.config["PAGE_SIZE"])
    names = learner_names(session, {c.learner_id for c in page.items})
    return render_template("contracts/index.html", page=page, names=names, status=status)


@bp.route("/learners/<int:learner_id>/contracts/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create(learner_id: int) -> str | Response:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    form = ContractForm()
    if request.method == "GET":
        form.number.data = next_contract_number(session, clock.today().year)
    return _save(form, learner, None)


@bp.route("/contracts/<int:contract_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(contract_id: int) -> str | Response:
    session = get_session()
    contract = get_or_404(session, Contract, contract_id)
    learner = get_or_404(session, Learner, contract.learner_id)
    form = ContractForm(obj=contract)
    if request.method == "GET":
        form.hourly_rate.data, form.total_price.data = contract.hourly_rate, contract.total_price
    return _save(form, learner, contract)


def _save(form: ContractForm, learner: Learner, contract: Contract | None) -> str | Response:
    def page() -> str:
        return render_template("contracts/form.html", form=form, learner=learner, contract=contract)

    if form.validate_on_submit():
        data = ContractData(**{name: form[name].data for name in ContractData.__dataclass_fields__})
        show_refusals_on(form, page)
        with unit_of_work() as session:
            save_contract(session, learner, data, contract)
        flash(_("Contract %(number)s saved.", number=data.number), "success")
        return redirect(url_for("learners.detail", learner_id=learner.id))
    return page()


@bp.route("/contracts/<int:contract_id>/terminate", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def terminate(contract_id: int) -> str | Response:
    session = get_session()
    contract = get_or_404(session, Contract, contract_id)
    learner = get_or_404(session, Learner, contract.learner_id)
    form = TerminationForm()

    def page() -> str:
        return render_template("contracts/terminate.html", form=form, contract=contract, learner=learner)

    if form.validate_on_submit():
        show_refusals_on(form, page)
        with unit_of_work() as session:
            terminate_contract(session, contract, given(form.terminated_on, form.terminated_on.data),
                               form.reason.data or "")
        flash(_("Contract %(number)s terminated.", number=contract.number), "success")
        return redirect(url_for("learners.detail", learner_id=learner.id))
    return page()


@bp.route("/contracts/<int:contract_id>/complete", methods=["POST"])
@roles_required(*MANAGERS)
def complete(contract_id: int) -> Response:
    session = get_session()
    contract = get_or_404(session, Contract, contract_id)
    with unit_of_work() as session:
        complete_contract(session, contract)  # a refusal: the error page (errors.py)
    flash(_("Contract %(number)s completed.", number=contract.number), "success")
    return redirect(url_for("learners.detail", learner_id=contract.learner_id))
