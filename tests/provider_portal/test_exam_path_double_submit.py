"""The exam-path forms sent twice (a double click, a reload that posts again): the same CSRF token and
the same values give one row and one audit entry, never two (issue 16). A form whose second copy
would add a row (a result by hand, hours at another provider) answers 409 with a Dutch field error;
one whose second copy changes nothing (readiness, the obligation met) stores nothing the second time."""

from __future__ import annotations

import io
import threading
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session
from werkzeug.test import TestResponse

from provider_portal.models import ExamPathChange, ExamReadiness, ExamResult, ExternalHours, Learner
from provider_portal.models.enums import Role
from tests.factories import count_rows, make_learner, make_provider, make_user
from tests.web import csrf_token, login, text

NOW = datetime(2026, 3, 25, 10)


@pytest.fixture()
def school(db: Session, frozen_now) -> dict:
    frozen_now(NOW)
    provider = make_provider(db)
    return {"admin": make_user(db, provider, role=Role.PROVIDER_ADMIN),
            "amina": make_learner(db, provider, first_name="Amina", last_name="Haddad", bsn="111222333")}


def _twice(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> tuple[TestResponse, ...]:
    """Post the form of `url` twice with one CSRF token, as a browser resends it (files read anew)."""
    token = csrf_token(client, url)

    def fresh() -> dict[str, Any]:
        return {name: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for name, v in data.items()}

    return tuple(client.post(url, data={**fresh(), "csrf_token": token}, **kwargs) for _ in range(2))


def test_readiness_sent_twice_is_stored_and_audited_once(client, db, school) -> None:
    login(client, school["admin"].email)
    url = f"/exam-path/learners/{school['amina'].id}/readiness"
    first, second = _twice(client, url, {"component": "lezen", "ready_on": "2026-03-20", "level": "B1",
                                         "save": "1"})
    assert (first.status_code, second.status_code) == (302, 302)  # the second changes nothing
    assert count_rows(db, ExamReadiness) == 1
    assert count_rows(db, ExamPathChange, kind="readiness") == 1


def test_a_result_by_hand_sent_twice_is_recorded_once_and_the_second_gets_a_409(client, db, school) -> None:
    login(client, school["admin"].email)
    url = f"/exam-path/learners/{school['amina'].id}/results/new"
    # failed, attempt left empty ("the next one"): the component stays open, so the form is offered again
    first, second = _twice(client, url, {"component": "lezen", "exam_date": "2026-03-10", "level": "B1",
                                         "result": "failed", "attempt": ""})
    assert first.status_code == 302
    assert second.status_code == 409
    assert "een uitslag van dit onderdeel op deze datum is al vastgelegd (poging 1)" in text(second)
    assert count_rows(db, ExamResult) == 1
    assert count_rows(db, ExamPathChange, kind="result") == 1
    # a later attempt on another day is still taken
    assert _twice(client, url, {"component": "lezen", "exam_date": "2026-03-17", "level": "B1",
                                "result": "failed", "attempt": ""})[0].status_code == 302
    assert count_rows(db, ExamResult) == 2


def test_the_same_result_in_a_file_without_attempts_is_refused_with_its_row(client, db, school) -> None:
    """A result file imported twice whose rows leave the attempt out: the second import is refused
    whole, naming the row, instead of recording the same sittings as new attempts."""
    login(client, school["admin"].email)
    body = b"bsn;onderdeel;examendatum;niveau;uitslag\n111222333;lezen;2026-03-10;B1;gezakt\n"
    first, second = _twice(client, "/transfer/import", {"kind": "results", "file": (body, "uitslagen.csv")},
                           content_type="multipart/form-data")
    assert (first.status_code, second.status_code) == (302, 422)
    assert "al vastgelegd" in text(second) and "examendatum" in text(second)
    assert count_rows(db, ExamResult) == 1


def test_the_obligation_sent_twice_is_audited_once(client, db, school) -> None:
    login(client, school["admin"].email)
    amina = school["amina"]
    url = f"/exam-path/learners/{amina.id}/obligation"
    first, second = _twice(client, url, {"met_on": "2026-03-20", "ground": "exemption",
                                         "reason": "DUO-besluit ontheffing 18-03-2026", "save": "1"})
    assert (first.status_code, second.status_code) == (302, 302)
    assert count_rows(db, ExamPathChange, kind="obligation") == 1
    # a correction sent twice: one more entry, not two
    first, second = _twice(client, url, {"met_on": "2026-03-18", "ground": "exemption",
                                         "reason": "Datum van het besluit", "save": "1"})
    assert (first.status_code, second.status_code) == (302, 302)
    changes = db.execute(sa.select(ExamPathChange).order_by(ExamPathChange.id)).scalars().all()
    assert [c.new["met_on"] for c in changes] == ["2026-03-20", "2026-03-18"]
    assert db.get(Learner, amina.id).obligation_reason == "Datum van het besluit"


HOURS = {"provider_name": "Taalschool West", "keurmerk": "y", "period_from": "2025-01-01",
         "period_to": "2025-12-31", "hours": "120,5", "evidence": (b"%PDF-1.4 verklaring", "verklaring.pdf")}


def test_hours_elsewhere_sent_twice_are_stored_once_and_the_second_gets_a_409(client, db, school) -> None:
    login(client, school["admin"].email)
    url = f"/exam-path/learners/{school['amina'].id}/external-hours"
    first, second = _twice(client, url, HOURS, content_type="multipart/form-data")
    assert first.status_code == 302
    assert second.status_code == 409
    assert "Deze uren zijn al vastgelegd, met hetzelfde bewijs." in text(second)
    assert count_rows(db, ExternalHours) == 1
    assert count_rows(db, ExamPathChange, kind="external_hours") == 1
    # other evidence for the same period is another entry
    other = {**HOURS, "evidence": (b"%PDF-1.4 tweede verklaring", "tweede.pdf")}
    assert _twice(client, url, other, content_type="multipart/form-data")[0].status_code == 302
    assert count_rows(db, ExternalHours) == 2


def test_parallel_copies_of_a_result_and_of_hours_store_one_each(app: Flask, engine, db, school) -> None:
    """Four copies of each form at the same moment (real parallel requests on PostgreSQL: the
    learner's exam row and the learner row are locked): one row and one audit entry each."""
    if engine.dialect.name != "postgresql":
        pytest.skip("parallel transactions need PostgreSQL (SQLite serialises writers anyway)")
    amina = school["amina"]
    forms = (
        (f"/exam-path/learners/{amina.id}/results/new",
         {"component": "lezen", "exam_date": "2026-03-10", "level": "B1", "result": "failed", "attempt": ""},
         {}),
        (f"/exam-path/learners/{amina.id}/external-hours", HOURS, {"content_type": "multipart/form-data"}),
    )
    for url, data, kwargs in forms:
        clients = []
        for _ in range(4):
            browser = app.test_client()
            login(browser, school["admin"].email)
            clients.append((browser, csrf_token(browser, url)))
        barrier = threading.Barrier(len(clients))
        statuses: list[int] = []

        def post(browser: FlaskClient, token: str, url: str, data: dict, kwargs: dict,
                 barrier: threading.Barrier, statuses: list[int]) -> None:
            fresh = {k: (io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for k, v in data.items()}
            barrier.wait()
            statuses.append(browser.post(url, data={**fresh, "csrf_token": token}, **kwargs).status_code)

        threads = [threading.Thread(target=post, args=(*pair, url, data, kwargs, barrier, statuses))
                   for pair in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(statuses) == [302, 409, 409, 409], (url, statuses)
    assert count_rows(db, ExamResult) == 1 and count_rows(db, ExternalHours) == 1
    assert count_rows(db, ExamPathChange, kind="result") == 1
    assert count_rows(db, ExamPathChange, kind="external_hours") == 1
