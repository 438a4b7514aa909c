"""Issuing, crediting and recomputing the same documents at once (issue 16): one action wins, the
numbers stay gapless, the hash chain verifies, and an issued invoice never changes.

The sequential variants interleave two sessions step by step and run on SQLite and PostgreSQL;
the parallel ones start real transactions together in threads (each with its own session and
connection) and need PostgreSQL's row locks: SQLite serialises all writers with one database lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing import drafts as drafts_module
from provider_portal.invoicing import lifecycle
from provider_portal.invoicing.chain import verify
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.invoicing.errors import AlreadyCredited, AlreadyIssued
from provider_portal.models import Attendance, DocumentCounter, Invoice, InvoiceLine, Provider
from provider_portal.models.enums import Role
from provider_portal.models.invoicing import DocumentKind, InvoiceStatus
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.invoicing_factories import AFTER_Q1, attend_all
from tests.web import csrf_token, login, submit, text

Q1 = Quarter(2026, 1)


@pytest.fixture()
def postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip(
            "needs PostgreSQL (set TEST_DATABASE_URL): parallel transactions wait on its row locks; "
            "SQLite lets one writer in at a time, see the sequential variants in this file"
        )


@pytest.fixture()
def school(db: Session, frozen_now) -> dict:
    """A provider with a class in 2026-Q1 and four enrolled learners who attended every lesson."""
    frozen_now(datetime(2026, 4, 2, 10, 0))
    provider = make_provider(db)
    course = make_class(db, provider)
    learners = []
    for _ in range(4):
        learner = make_learner(db, provider)
        make_contract(db, learner)
        make_enrolment(db, course, learner)
        attend_all(db, course, learner, minutes=60)
        learners.append(learner)
    finance = make_user(db, provider, role=Role.FINANCE)
    return {"provider": provider, "learners": learners, "finance": finance}


def _drafts(db: Session, school: dict) -> list[Invoice]:
    """The quarter's drafts, one per learner, made by the real draft run."""
    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    db.expire_all()
    return list(db.execute(sa.select(Invoice).order_by(Invoice.learner_id)).scalars())


def _attend_longer(db: Session) -> None:
    """More attended minutes, so a recomputation changes every draft's lines and total."""
    db.execute(sa.update(Attendance).values(minutes=120))
    db.commit()


def _lines(db: Session, invoice_id: int) -> list[tuple[int, str, int]]:
    rows = db.execute(
        sa.select(InvoiceLine.position, InvoiceLine.kind, InvoiceLine.amount_cents)
        .where(InvoiceLine.invoice_id == invoice_id)
        .order_by(InvoiceLine.position, InvoiceLine.id)
    ).all()
    return [tuple(row) for row in rows]


def _chain_breaks(db: Session) -> list[str]:
    """What `flask invoices verify` reports, read afresh (the threads committed behind `db`)."""
    db.expire_all()
    return [str(found) for found in verify(db)]


def _counter(db: Session, series: str, year: int) -> int | None:
    return db.execute(
        sa.select(DocumentCounter.last_number).where(
            DocumentCounter.series == series, DocumentCounter.year == year
        )
    ).scalar_one_or_none()


Load = Callable[[Session], Any]
Act = Callable[[Session, Any], Any]


def _at_once(engine: Engine, actions: list[tuple[Load, Act]]) -> list[Any]:
    """Each `act(session, load(session))` in its own thread and session, started together.

    Each thread loads first, as a request does at its start, then all act at the same moment;
    returns each result or exception.
    """
    barrier, results = threading.Barrier(len(actions)), [None] * len(actions)

    def run(i: int) -> None:
        load, act = actions[i]
        try:
            with Session(engine, expire_on_commit=False) as session:
                loaded = load(session)
                barrier.wait(timeout=20)
                results[i] = act(session, loaded)
                session.commit()  # the request's unit of work
        except Exception as exc:  # kept as the thread's result, asserted by the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


# --- issue ---------------------------------------------------------------------------------------


def test_issuing_a_draft_that_another_session_issued_meanwhile_is_refused_without_a_number(
    db, engine, school
) -> None:
    first, second = _drafts(db, school)[:2]
    with Session(engine, expire_on_commit=False) as late:
        stale = late.get(Invoice, first.id)  # loaded at the start of the second request: a draft
        with Session(engine, expire_on_commit=False) as early:
            lifecycle.issue(early, early.get(Invoice, first.id), AFTER_Q1)
            early.commit()
        with pytest.raises(AlreadyIssued, match="2026-00001"):
            lifecycle.issue(late, stale, AFTER_Q1)
    db.expire_all()
    assert db.get(Invoice, first.id).number == "2026-00001"
    assert _counter(db, "F", 2026) == 1 and _counter(db, "H", 0) == 1
    assert lifecycle.issue(db, db.get(Invoice, second.id), AFTER_Q1).number == "2026-00002"
    db.commit()
    assert _chain_breaks(db) == []


def test_issue_all_refuses_every_draft_when_one_was_issued_meanwhile(db, engine, school) -> None:
    drafts = _drafts(db, school)
    with Session(engine, expire_on_commit=False) as late:
        stale = [late.get(Invoice, d.id) for d in drafts]
        with Session(engine, expire_on_commit=False) as early:
            lifecycle.issue(early, early.get(Invoice, drafts[2].id), AFTER_Q1)
            early.commit()
        with pytest.raises(AlreadyIssued):
            lifecycle.issue_all(late, stale, AFTER_Q1)
    db.expire_all()
    statuses = [db.get(Invoice, d.id).status for d in drafts]
    assert statuses.count(InvoiceStatus.ISSUED) == 1 and _counter(db, "F", 2026) == 1
    assert _chain_breaks(db) == []


def test_issuing_one_draft_from_eight_sessions_at_once_issues_it_once(
    postgres_only, db, engine, school
) -> None:
    first, second = _drafts(db, school)[:2]
    issue_it: tuple[Load, Act] = (
        lambda s: s.get(Invoice, first.id),
        lambda s, invoice: lifecycle.issue(s, invoice, AFTER_Q1).number,
    )
    results = _at_once(engine, [issue_it] * 8)
    assert results.count("2026-00001") == 1
    assert all(isinstance(r, AlreadyIssued) for r in results if r != "2026-00001"), results
    assert _counter(db, "F", 2026) == 1 and _counter(db, "H", 0) == 1
    assert lifecycle.issue(db, db.get(Invoice, second.id), AFTER_Q1).number == "2026-00002"
    db.commit()
    assert _chain_breaks(db) == []


def test_issue_all_from_four_sessions_at_once_numbers_every_draft_once_and_gaplessly(
    postgres_only, db, engine, school
) -> None:
    ids = [d.id for d in _drafts(db, school)]
    issue_them: tuple[Load, Act] = (
        lambda s: [s.get(Invoice, i) for i in ids],
        lambda s, drafts: len(lifecycle.issue_all(s, drafts, AFTER_Q1)),
    )
    results = _at_once(engine, [issue_them] * 4)
    assert results.count(len(ids)) == 1, results
    db.expire_all()
    numbers = sorted(db.execute(sa.select(Invoice.number)).scalars())
    assert numbers == [f"2026-{n:05d}" for n in range(1, len(ids) + 1)]
    assert _chain_breaks(db) == []


# --- credit notes --------------------------------------------------------------------------------


def _credit_notes(db: Session) -> list[Invoice]:
    db.expire_all()
    return list(db.execute(sa.select(Invoice).where(Invoice.kind == DocumentKind.CREDIT_NOTE)).scalars())


def test_crediting_an_invoice_that_another_session_credited_meanwhile_is_refused(db, engine, school) -> None:
    invoice = lifecycle.issue(db, _drafts(db, school)[0], AFTER_Q1)
    db.commit()
    with Session(engine, expire_on_commit=False) as late:
        stale = late.get(Invoice, invoice.id)  # still holds its slot in this session
        with Session(engine, expire_on_commit=False) as early:
            lifecycle.credit(early, early.get(Invoice, invoice.id), "wrong hours", AFTER_Q1)
            early.commit()
        with pytest.raises(AlreadyCredited, match="2026-00001"):
            lifecycle.credit(late, stale, "wrong hours", AFTER_Q1)
    assert [n.number for n in _credit_notes(db)] == ["C2026-00001"]
    assert _counter(db, "C", 2026) == 1 and _chain_breaks(db) == []


def test_the_database_refuses_a_second_credit_note_for_one_invoice(db, school) -> None:
    invoice = lifecycle.issue(db, _drafts(db, school)[0], AFTER_Q1)
    db.commit()
    note = lifecycle.credit(db, invoice, "wrong hours", AFTER_Q1)
    db.commit()
    db.add(
        Invoice(
            provider_id=note.provider_id,
            learner_id=note.learner_id,
            contract_id=note.contract_id,
            kind=DocumentKind.CREDIT_NOTE,
            quarter=note.quarter,
            corrects_id=invoice.id,
        )
    )
    with pytest.raises(IntegrityError, match="(?i)unique|duplicate"):
        db.flush()
    db.rollback()


def test_crediting_one_invoice_from_six_sessions_at_once_makes_one_credit_note(
    postgres_only, db, engine, school
) -> None:
    invoice = lifecycle.issue(db, _drafts(db, school)[0], AFTER_Q1)
    db.commit()
    credit_it: tuple[Load, Act] = (
        lambda s: s.get(Invoice, invoice.id),
        lambda s, loaded: lifecycle.credit(s, loaded, "wrong hours", AFTER_Q1).number,
    )
    results = _at_once(engine, [credit_it] * 6)
    assert results.count("C2026-00001") == 1
    assert all(isinstance(r, AlreadyCredited) for r in results if r != "C2026-00001"), results
    assert [n.number for n in _credit_notes(db)] == ["C2026-00001"]
    assert _counter(db, "C", 2026) == 1 and _chain_breaks(db) == []


# --- recomputing a draft while it is issued ------------------------------------------------------


def _issue_while_computing(monkeypatch, engine, draft_id: int) -> None:
    """From now on a recompute, once it has read the draft, meets another request issuing it before
    its writes."""
    compute = drafts_module._compute

    def issue_while_computing(*args: Any) -> Any:
        with Session(engine, expire_on_commit=False) as other:
            lifecycle.issue(other, other.get(Invoice, draft_id), AFTER_Q1)
            other.commit()
        return compute(*args)

    monkeypatch.setattr(drafts_module, "_compute", issue_while_computing)


def test_a_recompute_that_read_the_draft_before_it_was_issued_leaves_the_issued_invoice_alone(
    db, engine, school, monkeypatch
) -> None:
    draft = _drafts(db, school)[0]
    learner_id, drafted_total = draft.learner_id, draft.total_cents
    before = _lines(db, draft.id)
    _attend_longer(db)
    _issue_while_computing(monkeypatch, engine, draft.id)
    with Session(engine, expire_on_commit=False) as session:
        provider = session.get(Provider, school["provider"].id)
        run = make_drafts(session, provider, Q1, AFTER_Q1, [learner_id])
        session.commit()  # the caller's unit of work
    assert (run.updated, run.created, run.already_issued) == (0, 0, 1)
    db.expire_all()
    issued = db.get(Invoice, draft.id)
    assert issued.status == InvoiceStatus.ISSUED and _lines(db, draft.id) == before
    assert issued.total_cents == drafted_total and _chain_breaks(db) == []


def test_an_issue_waits_for_a_recompute_that_locked_the_draft_and_seals_the_recomputed_lines(
    db, engine, school, monkeypatch
) -> None:
    draft = _drafts(db, school)[0]
    drafted_total = draft.total_cents
    _attend_longer(db)
    clear, issuer, outcome = drafts_module._clear_lines, [], {}

    def issue_in_between(session: Session, ids: list[int]) -> None:
        """The recompute holds the lock on the draft; an issue starts now and must wait for it."""

        def issue() -> None:
            try:
                with Session(engine, expire_on_commit=False) as other:
                    outcome["number"] = lifecycle.issue(other, other.get(Invoice, draft.id), AFTER_Q1).number
                    other.commit()
            except Exception as exc:  # asserted below
                outcome["error"] = exc

        issuer.append(threading.Thread(target=issue))
        issuer[0].start()
        time.sleep(0.5)
        outcome["waited"] = issuer[0].is_alive()
        clear(session, ids)

    monkeypatch.setattr(drafts_module, "_clear_lines", issue_in_between)
    with Session(engine, expire_on_commit=False) as session:
        provider = session.get(Provider, school["provider"].id)
        assert make_drafts(session, provider, Q1, AFTER_Q1, [draft.learner_id]).updated == 1
        session.commit()  # the caller's unit of work
    issuer[0].join(timeout=40)
    assert outcome.get("waited") and outcome.get("number") == "2026-00001", outcome
    db.expire_all()
    issued = db.get(Invoice, draft.id)
    assert issued.total_cents > drafted_total  # the recomputed draft, read after the lock
    assert _chain_breaks(db) == []


def test_recomputing_drafts_while_issuing_them_never_changes_an_issued_invoice(
    postgres_only, db, engine, school
) -> None:
    drafts = _drafts(db, school)
    _attend_longer(db)
    provider_id = school["provider"].id
    # One race per learner: an issue and a recompute of its draft at once, the issue a little later
    # each time so that it lands at a different moment of the recompute (read, compute, write).
    for delay, draft in zip((0.0, 0.01, 0.02, 0.04), drafts, strict=True):
        issue_it: tuple[Load, Act] = (
            lambda s, i=draft.id: s.get(Invoice, i),
            lambda s, invoice, pause=delay: (
                time.sleep(pause),
                lifecycle.issue(s, invoice, AFTER_Q1).number,
            )[1],
        )
        recompute_it: tuple[Load, Act] = (
            lambda s: s.get(Provider, provider_id),
            lambda s, provider, lid=draft.learner_id: make_drafts(s, provider, Q1, AFTER_Q1, [lid]).as_dict(),
        )
        issued, recomputed = _at_once(engine, [issue_it, recompute_it])
        assert isinstance(issued, str) and isinstance(recomputed, dict), (issued, recomputed)
        lines = _lines(db, draft.id)
        assert len({position for position, _, _ in lines}) == len(lines), lines  # no duplicated lines
    db.expire_all()
    assert {d.status for d in db.execute(sa.select(Invoice)).scalars()} == {InvoiceStatus.ISSUED}
    assert _chain_breaks(db) == []  # every issued total and line is what was sealed


# --- through the pages: a double click -----------------------------------------------------------


def _double_post(client, page: str, action: str, data: dict[str, str]) -> tuple[Any, Any]:
    """Two POSTs of one form in a row, with the same token, as a double click sends them."""
    token = csrf_token(client, page)
    first = client.post(action, data={**data, "csrf_token": token})
    return first, client.post(action, data={**data, "csrf_token": token}, follow_redirects=True)


def test_a_double_click_on_issue_issues_once_and_answers_the_second_in_dutch(client, db, school) -> None:
    draft = _drafts(db, school)[0]
    login(client, school["finance"].email)
    page = f"/invoicing/invoices/{draft.id}"
    first, second = _double_post(client, page, f"{page}/issue", {"confirm": "1"})
    assert first.status_code == 302 and second.status_code == 200
    assert "Factuur 2026-00001 is al uitgereikt" in text(second)
    assert _counter(db, "F", 2026) == 1 and _chain_breaks(db) == []


def test_a_double_click_on_credit_makes_one_credit_note_and_answers_the_second_in_dutch(
    client, db, school
) -> None:
    invoice = lifecycle.issue(db, _drafts(db, school)[0], AFTER_Q1)
    db.commit()
    login(client, school["finance"].email)
    page = f"/invoicing/invoices/{invoice.id}"
    first, second = _double_post(client, page, f"{page}/credit", {"reason": "verkeerde uren", "confirm": "1"})
    assert first.status_code == 302 and second.status_code == 200
    assert "Factuur 2026-00001 is al gecrediteerd" in text(second)
    assert [n.number for n in _credit_notes(db)] == ["C2026-00001"] and _chain_breaks(db) == []


def test_a_double_click_on_issue_all_issues_the_quarter_once_and_answers_the_second_in_dutch(
    client, db, school
) -> None:
    count = len(_drafts(db, school))
    login(client, school["finance"].email)
    page = "/invoicing/invoices?quarter=2026-Q1"
    confirmed = {"quarter": "2026-Q1", "confirm": "1", "expected": str(count)}
    first, second = _double_post(client, page, "/invoicing/issue-all", confirmed)
    assert first.status_code == 302 and second.status_code == 200
    # the second finds no drafts left: it issues none and takes no number
    assert "2026-Q1 heeft geen concepten om uit te reiken; er is niets uitgereikt." in text(second)
    assert _counter(db, "F", 2026) == count and _chain_breaks(db) == []


@pytest.mark.parametrize("quarter", ["2026-Q9", "Q1-2026", "", "2026-Q1; drop"])
def test_issue_all_with_a_malformed_quarter_issues_nothing_and_names_the_field(
    client, db, school, quarter
) -> None:
    _drafts(db, school)  # drafts of 2026-Q1, the default (last finished) quarter
    login(client, school["finance"].email)
    page = "/invoicing/invoices?quarter=2026-Q1"
    response = client.post(
        "/invoicing/issue-all",
        data={"quarter": quarter, "csrf_token": csrf_token(client, page)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Kwartaal: vul een kwartaal in, zoals 2026-Q3." in text(response)
    db.expire_all()
    assert set(db.execute(sa.select(Invoice.status)).scalars()) == {InvoiceStatus.DRAFT}
    assert _counter(db, "F", 2026) is None


def test_recompute_on_the_page_of_a_draft_issued_meanwhile_says_so_and_changes_nothing(
    client, db, engine, school, monkeypatch
) -> None:
    draft = _drafts(db, school)[0]
    before = _lines(db, draft.id)
    _attend_longer(db)
    login(client, school["finance"].email)
    page = f"/invoicing/invoices/{draft.id}"
    token = csrf_token(client, page)
    _issue_while_computing(monkeypatch, engine, draft.id)
    response = client.post(f"{page}/refresh", data={"csrf_token": token}, follow_redirects=True)
    assert "Alleen een concept kan opnieuw worden berekend." in text(response)
    assert _lines(db, draft.id) == before and _chain_breaks(db) == []


def test_two_browsers_issuing_one_draft_at_once_get_one_number_and_one_dutch_refusal(
    postgres_only, app, db, school
) -> None:
    draft = _drafts(db, school)[0]
    page = f"/invoicing/invoices/{draft.id}"
    browsers = [app.test_client() for _ in range(2)]
    tokens = []
    for browser in browsers:
        login(browser, school["finance"].email)
        tokens.append(csrf_token(browser, page))
    barrier, answers = threading.Barrier(2), [""] * 2

    def click(i: int) -> None:
        barrier.wait(timeout=20)
        response = browsers[i].post(
            f"{page}/issue", data={"csrf_token": tokens[i], "confirm": "1"}, follow_redirects=True
        )
        answers[i] = text(response)

    threads = [threading.Thread(target=click, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum("Factuur 2026-00001 is uitgereikt." in a for a in answers) == 1
    assert sum("Factuur 2026-00001 is al uitgereikt" in a for a in answers) == 1
    assert _counter(db, "F", 2026) == 1 and _chain_breaks(db) == []


# --- the confirmation step: an irreversible POST without confirm=1 only asks ----------------------


def test_issue_all_without_confirmation_asks_with_the_real_count_and_issues_nothing(
    client, db, school
) -> None:
    count = len(_drafts(db, school))
    login(client, school["finance"].email)
    page = "/invoicing/invoices?quarter=2026-Q1"
    asked = submit(client, page, {"quarter": "2026-Q1"}, "/invoicing/issue-all")  # a bare POST
    assert asked.status_code == 200
    assert f"{count} facturen krijgen een nummer; dit kan niet ongedaan worden gemaakt." in text(asked)
    assert f'name="expected" value="{count}"' in text(asked)
    assert _counter(db, "F", 2026) is None
    db.expire_all()
    assert set(db.execute(sa.select(Invoice.status)).scalars()) == {InvoiceStatus.DRAFT}


def test_issue_all_confirmed_for_another_count_asks_again_and_issues_nothing(client, db, school) -> None:
    count = len(_drafts(db, school))
    login(client, school["finance"].email)
    page = "/invoicing/invoices?quarter=2026-Q1"
    stale = {"quarter": "2026-Q1", "confirm": "1", "expected": str(count - 1)}  # a draft came meanwhile
    asked = submit(client, page, stale, "/invoicing/issue-all")
    assert asked.status_code == 200 and f"nu {count}" in text(asked)
    assert f"{count} facturen krijgen een nummer" in text(asked) and _counter(db, "F", 2026) is None
    done = submit(client, page, stale | {"expected": str(count)}, "/invoicing/issue-all")
    assert done.status_code == 302 and _counter(db, "F", 2026) == count


def test_issue_and_credit_without_confirmation_say_what_will_happen_and_do_nothing(
    client, db, school
) -> None:
    draft = _drafts(db, school)[0]
    login(client, school["finance"].email)
    page = f"/invoicing/invoices/{draft.id}"
    asked = submit(client, page, {}, f"{page}/issue")
    assert asked.status_code == 200 and "krijgt het volgende factuurnummer" in text(asked)
    assert _counter(db, "F", 2026) is None
    invoice = lifecycle.issue(db, db.get(Invoice, draft.id), AFTER_Q1)
    db.commit()
    asked = submit(client, page, {"reason": "verkeerde uren"}, f"{page}/credit")
    assert asked.status_code == 200 and "wordt volledig gecrediteerd" in text(asked)
    assert 'name="reason" value="verkeerde uren"' in text(asked)  # the reason is carried to the next step
    assert _credit_notes(db) == [] and invoice.slot is True
