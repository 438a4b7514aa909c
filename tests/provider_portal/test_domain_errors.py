"""One DomainError base, one handler, one unit of work (issue 15 point 6).

A refusal raised in a request rolls back everything the request wrote and answers 400 (409 for a
conflict): JSON to a JSON request, the form again with the message at its field when the view
named its form, otherwise the Dutch error page with a way back. Services never commit: `enqueue`
leaves its caller's transaction alone, even when the database refuses the job.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask, render_template_string
from flask_wtf import FlaskForm
from sqlmodel import Session
from wtforms import StringField

from provider_portal.access import public
from provider_portal.attendance.report import PeriodError
from provider_portal.attendance.service import RegisterError, StaleRegisterError
from provider_portal.db import get_session, savepoint, unit_of_work
from provider_portal.errors import show_refusals_on
from provider_portal.invoicing import lifecycle
from provider_portal.invoicing.errors import AlreadyIssued, InvoicingError
from provider_portal.jobs.queue import AlreadyActive, enqueue
from provider_portal.learners.service import DuplicateBsnError
from provider_portal.models import Invoice, Job, Provider
from provider_portal.models.invoicing import InvoiceStatus
from provider_portal.service_errors import Conflict, DomainError
from provider_portal.transfer.cells import CellError
from provider_portal.transfer.duo import DuoFileError
from provider_portal.transfer.tables import TableError
from tests.factories import make_contract, make_learner, make_provider
from tests.invoicing_factories import AFTER_Q1, make_draft
from tests.web import text


def _jobs(db: Session) -> list[Job]:
    db.expire_all()
    return list(db.execute(sa.select(Job).order_by(Job.id)).scalars())


def test_every_refusal_of_the_portal_is_a_domain_error_with_a_field_and_a_status() -> None:
    refusals = [PeriodError("since", "not-a-date"), RegisterError("row 2", "x"), InvoicingError("x"),
                DuplicateBsnError(), DuoFileError(["a", "b"]), CellError("x"), TableError("x")]
    assert all(isinstance(e, DomainError) and e.status == 400 for e in refusals)
    assert all(isinstance(e, Conflict) or e.status == 409 for e in (StaleRegisterError("lesson", "x"),
                                                                     AlreadyIssued("x")))
    assert StaleRegisterError("lesson", "x").status == AlreadyIssued("x").status == 409
    assert (DuplicateBsnError().field, PeriodError("since", "not-a-date").field) == ("bsn", "since")


@pytest.fixture()
def refusing(app: Flask) -> Flask:
    """Routes that write a job, then refuse: as a form page, as a bare action, and as a conflict."""
    app.config["WTF_CSRF_ENABLED"] = False  # these test routes post without a page to take a token from

    class NameForm(FlaskForm):
        class Meta:
            csrf = False

        name = StringField("Naam")

    page = "<form>{{ form.name.errors|join(' ') }}</form>"

    @app.route("/refuse/form", methods=["GET", "POST"])
    @public
    def refuse_form() -> str:
        form = NameForm()
        show_refusals_on(form, lambda: render_template_string(page, form=form))
        if form.validate_on_submit():
            enqueue(get_session(), "housekeeping")
            raise DomainError("name", "Deze naam is al in gebruik.")
        return render_template_string(page, form=form)

    @app.route("/refuse/form422/<kind>", methods=["POST"])
    @public
    def refuse_form_422(kind: str) -> str:
        form = NameForm()
        show_refusals_on(form, lambda: render_template_string(page, form=form), 422)
        with unit_of_work() as session:
            enqueue(session, "housekeeping")
            if kind == "conflict":
                raise Conflict("name", "Deze naam is intussen al opgeslagen.")
            raise DomainError("name", "Deze naam is al in gebruik.")

    @app.route("/refuse/action", methods=["POST"])
    @public
    def refuse_action() -> str:
        with unit_of_work() as session:
            enqueue(session, "housekeeping")
            raise DomainError("", "Dit kan niet meer.")

    @app.route("/refuse/conflict.json", methods=["POST"])
    @public
    def refuse_conflict() -> str:
        enqueue(get_session(), "housekeeping")
        raise Conflict("lesson", "Iemand anders heeft dit net opgeslagen.")

    return app


def test_a_refused_form_shows_the_message_at_its_field_with_400_and_stores_nothing(refusing, db) -> None:
    response = refusing.test_client().post("/refuse/form", data={"name": "Taalhuis"})
    assert response.status_code == 400
    assert "<form>Deze naam is al in gebruik.</form>" in text(response)
    assert _jobs(db) == []


def test_a_form_page_answering_422_answers_its_refusals_422_and_a_conflict_still_409(refusing, db) -> None:
    client = refusing.test_client()
    refused = client.post("/refuse/form422/plain", data={"name": "Taalhuis"})
    assert refused.status_code == 422 and "<form>Deze naam is al in gebruik.</form>" in text(refused)
    conflict = client.post("/refuse/form422/conflict", data={"name": "Taalhuis"})
    assert conflict.status_code == 409 and "intussen al opgeslagen" in text(conflict)
    assert _jobs(db) == []


def test_a_refused_action_gets_the_dutch_error_page_with_a_way_back_to_the_portal_page(refusing, db) -> None:
    client = refusing.test_client()
    response = client.post("/refuse/action", headers={"Referer": "http://localhost/learners/?q=a"})
    body = text(response)
    assert response.status_code == 400 and "Dit kan niet meer." in body
    assert 'href="/learners/?q=a"' in body and "Terug naar de vorige pagina" in body
    assert _jobs(db) == []
    elsewhere = client.post("/refuse/action", headers={"Referer": "https://evil.example/phish"})
    assert "evil.example" not in text(elsewhere) and "Terug naar de vorige pagina" not in text(elsewhere)


def test_a_conflict_answers_a_json_request_with_409_and_the_field(refusing, db) -> None:
    response = refusing.test_client().post("/refuse/conflict.json", json={})
    assert response.status_code == 409
    said = {"field": "lesson", "message": "Iemand anders heeft dit net opgeslagen."}
    assert response.get_json() == {"error": said}
    assert _jobs(db) == []


def test_the_unit_of_work_commits_when_the_block_ends_and_rolls_back_when_it_raises(engine, db) -> None:
    with unit_of_work(engine) as session:
        enqueue(session, "housekeeping")
    with pytest.raises(DomainError), unit_of_work(engine) as session:
        enqueue(session, "housekeeping")
        raise DomainError("", "refused")
    assert len(_jobs(db)) == 1


def test_enqueue_leaves_the_commit_to_its_caller(db) -> None:
    enqueue(db, "housekeeping")
    db.rollback()
    assert _jobs(db) == []
    job = enqueue(db, "housekeeping")
    db.commit()
    assert [j.id for j in _jobs(db)] == [job.id]


def test_a_refused_active_key_keeps_the_callers_own_rows_in_its_transaction(db) -> None:
    first = enqueue(db, "housekeeping", active_key="solver:1")
    db.commit()
    db.add(_provider("BOW-77777"))  # the caller's own row, not yet committed
    db.flush()
    with pytest.raises(AlreadyActive) as refused:
        enqueue(db, "housekeeping", active_key="solver:1")
    assert refused.value.job.id == first.id and refused.value.status == 409
    db.commit()  # the caller decides: its provider is kept, no second job was queued
    assert db.execute(sa.select(Provider.name).where(Provider.bow_number == "BOW-77777")).scalar_one()
    assert [j.id for j in _jobs(db)] == [first.id]


def test_a_dedupe_key_queued_meanwhile_by_another_process_returns_its_job(db, engine, monkeypatch) -> None:
    from provider_portal.jobs import queue

    with Session(engine) as other:
        existing = enqueue(other, "housekeeping", dedupe_key="housekeeping:2026-12-01")
        other.commit()
        existing_id = existing.id
    provider = _provider("BOW-77778")
    db.add(provider)
    db.flush()
    looked = []
    real_execute = db.execute

    def execute_missing_the_first_look(statement, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not looked and "dedupe_key" in str(statement):  # the look before the INSERT misses it
            looked.append(statement)
            return real_execute(sa.select(Job).where(sa.false()))
        return real_execute(statement, *args, **kwargs)

    monkeypatch.setattr(db, "execute", execute_missing_the_first_look)
    assert queue.enqueue(db, "housekeeping", dedupe_key="housekeeping:2026-12-01").id == existing_id
    assert looked  # the INSERT was refused by the UNIQUE key, inside its savepoint
    monkeypatch.undo()
    db.commit()
    assert db.get(Provider, provider.id) is not None and [j.id for j in _jobs(db)] == [existing_id]


def test_a_savepoint_as_the_first_write_does_not_commit_on_its_own(db) -> None:
    with savepoint(db):
        enqueue(db, "housekeeping")
    db.rollback()
    assert _jobs(db) == []


def test_issue_and_a_status_change_are_committed_by_the_caller_not_by_the_lifecycle(db) -> None:
    learner = make_learner(db, make_provider(db))
    draft = make_draft(db, learner, make_contract(db, learner))
    lifecycle.issue(db, draft, AFTER_Q1)
    db.rollback()
    assert db.get(Invoice, draft.id).status == InvoiceStatus.DRAFT
    invoice = lifecycle.issue(db, db.get(Invoice, draft.id), AFTER_Q1)
    db.commit()
    lifecycle.change_status(db, invoice, InvoiceStatus.SUBMITTED)
    db.rollback()
    assert db.get(Invoice, invoice.id).status == InvoiceStatus.ISSUED


def _provider(bow: str) -> Provider:
    return Provider(name=f"Eigen rij {bow}", bow_number=bow, kvk_number="30123456", iban="NL91ABNA0417164300",
                    street="Oudegracht 1", postcode="3511AB", city="Utrecht")
