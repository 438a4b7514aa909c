"""Issue 12: exam readiness, DUO results and attempts, the obligation met and what billing and the
dashboard do with it, and the dated policy figures behind them."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.exams.problem import build_exam_problem
from provider_portal.invoicing import lifecycle
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.models import (
    CapSetting,
    ExamPathChange,
    ExamReadiness,
    ExamResult,
    Invoice,
    Learner,
    LearnerExam,
    PolicySetting,
)
from provider_portal.models.enums import Role
from provider_portal.policy import figures_on
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.invoicing_factories import AFTER_Q1, attend_all
from tests.web import login, submit, text

Q1 = Quarter(2026, 1)
HEADER = "bsn;onderdeel;examendatum;niveau;uitslag;poging"


@pytest.fixture()
def school(db: Session) -> dict:
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    course = make_class(db, provider, teachers=(teacher,))  # Mon + Wed 09:00-12:00, 5 Jan - 27 Mar 2026
    amina = make_learner(db, provider, first_name="Amina", last_name="Haddad", municipality="Utrecht",
                         bsn="111222333")
    make_contract(db, amina, hourly_rate_cents=1450, total_price_cents=870_000)
    make_enrolment(db, course, amina)
    lessons = attend_all(db, course, amina)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    finance = make_user(db, provider, role=Role.FINANCE)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    return {"provider": provider, "course": course, "amina": amina, "lessons": lessons, "admin": admin,
            "teacher": teacher, "finance": finance, "planner": planner}


def _upload(client, *lines: str, name: str = "uitslagen.csv"):
    body = ("\n".join(lines) + "\n").encode("utf-8")
    return submit(client, "/transfer/import", {"kind": "results", "file": (io.BytesIO(body), name)},
                  content_type="multipart/form-data")


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return db.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def _as_dutch(client) -> None:
    with client.session_transaction() as browser:
        browser["lang"] = "nl"


# --- 7: dated policy figures ----------------------------------------------------------------------

def test_the_policy_figures_have_dated_defaults_and_a_later_setting_applies_from_its_day(db) -> None:
    before = figures_on(db, date(2026, 6, 1))
    assert (before.exam_lead_weeks, before.exam_free_attempts, before.exam_fee_cents,
            before.exemption_hours, before.exemption_attempts) == (6, 2, 5000, 600, 4)
    db.add(PolicySetting(key="exemption_attempts", value=3, effective_from=date(2026, 7, 1)))
    db.commit()
    assert figures_on(db, date(2026, 6, 30)).exemption_attempts == 4
    assert figures_on(db, date(2026, 7, 1)).exemption_attempts == 3


def test_a_platform_admin_adds_a_figure_and_bad_values_are_refused_naming_the_field(client, db) -> None:
    admin = make_user(db, None, role=Role.PLATFORM_ADMIN)
    login(client, admin.email)
    ok = submit(client, "/admin/policy/", {"key": "exam_fee_cents", "value": "55.00",
                                          "effective_from": "2027-01-01"})
    assert ok.status_code == 302
    assert figures_on(db, date(2027, 1, 1)).exam_fee_cents == 5500
    again = submit(client, "/admin/policy/", {"key": "exam_fee_cents", "value": "60",
                                             "effective_from": "2027-01-01"})
    assert "already starts on that day" in text(again) or "begint al een instelling" in text(again)
    fraction = submit(client, "/admin/policy/", {"key": "exam_lead_weeks", "value": "6.5",
                                                "effective_from": "2027-02-01"})
    assert "geheel getal" in text(fraction) or "whole number" in text(fraction)
    too_big = submit(client, "/admin/policy/", {"key": "exam_free_attempts", "value": "99",
                                               "effective_from": "2027-02-01"})
    assert "tussen 0 en 10" in text(too_big) or "between 0 and 10" in text(too_big)
    assert _count(db, PolicySetting) == 1


def test_only_a_platform_admin_opens_the_policy_figures(client, db, school) -> None:
    login(client, school["admin"].email)
    assert client.get("/admin/policy/").status_code == 403


# --- 1: exam readiness ----------------------------------------------------------------------------

def test_a_teacher_marks_a_component_exam_ready_and_the_change_is_audited(
    client, db, school, frozen_now
) -> None:
    frozen_now(datetime(2026, 11, 2, 10))
    login(client, school["teacher"].email)
    amina = school["amina"]
    url = f"/exam-path/learners/{amina.id}/readiness"
    response = submit(client, url, {"component": "lezen", "ready_on": "2026-11-02", "level": "B1",
                                    "save": "1"})
    assert response.status_code == 302
    submit(client, url, {"component": "lezen", "ready_on": "2026-11-01", "level": "A2", "save": "1"})
    row = db.execute(sa.select(ExamReadiness)).scalar_one()
    assert (row.component, row.ready_on, row.level) == ("lezen", date(2026, 11, 1), "A2")
    changes = db.execute(sa.select(ExamPathChange).order_by(ExamPathChange.id)).scalars().all()
    assert [(c.kind, c.changed_by_id) for c in changes] == [("readiness", school["teacher"].id)] * 2
    assert changes[1].old == {"ready_on": "2026-11-02", "level": "B1"}
    assert changes[1].new == {"ready_on": "2026-11-01", "level": "A2"}
    future = submit(client, url, {"component": "spreken", "ready_on": "2026-12-01", "level": "B1",
                                  "save": "1"})
    assert future.status_code == 422 and _count(db, ExamReadiness) == 1


def test_the_exam_problem_takes_only_ready_components_from_readiness_plus_the_lead_time(
    db, school
) -> None:
    amina = school["amina"]
    plan = date(2026, 12, 1)
    assert build_exam_problem(db, ("Utrecht",), plan).learners == ()  # nobody declared ready
    db.add(ExamReadiness(learner_id=amina.id, component="lezen", ready_on=date(2026, 11, 2), level="B1"))
    db.add(ExamReadiness(learner_id=amina.id, component="KNM", ready_on=date(2026, 12, 10), level="B1"))
    db.commit()
    (learner,) = build_exam_problem(db, ("Utrecht",), plan).learners
    assert learner.needs == ("knm", "lezen")
    assert learner.ready == date(2027, 1, 21)  # KNM: ready 10 Dec + 6 weeks (lezen: 1 Dec + 6 weeks)
    db.add(PolicySetting(key="exam_lead_weeks", value=8, effective_from=date(2026, 12, 1)))
    db.commit()
    assert build_exam_problem(db, ("Utrecht",), plan).learners[0].ready == date(2027, 2, 4)
    amina.obligation_met_on, amina.obligation_ground = date(2026, 11, 20), "exemption"
    db.add(amina)
    db.commit()
    assert build_exam_problem(db, ("Utrecht",), plan).learners == ()  # obligation met: no more exams


def test_the_planner_sees_what_is_ready_since_when_and_the_fee_before_booking(
    client, db, school, frozen_now
) -> None:
    frozen_now(datetime(2026, 12, 1, 10))
    amina = school["amina"]
    db.add(ExamReadiness(learner_id=amina.id, component="spreken", ready_on=date(2026, 11, 2), level="A2"))
    for attempt in (1, 2):
        db.add(ExamResult(learner_id=amina.id, component="spreken", exam_date=date(2026, 5 * attempt, 4),
                          level="A2", passed=False, attempt=attempt, source="import"))
    db.execute(sa.update(LearnerExam).where(LearnerExam.learner_id == amina.id,
                                            LearnerExam.component == "spreken").values(attempts=2))
    db.commit()
    login(client, school["planner"].email)
    _as_dutch(client)
    page = text(client.get(f"/planning/learners/{amina.id}"))
    assert "sinds 2 nov 2026, niveau A2" in page and "kost €\xa050,00" in page
    assert "111222333" not in page  # the planner still sees no BSN
    listing = text(client.get("/planning/learners"))
    assert "sinds 2 nov 2026" in listing and "kost €\xa050,00" in listing
    problem = build_exam_problem(db, ("Utrecht",), date(2026, 12, 1))
    assert problem.learners[0].attempts_used("spreken") == 2 and problem.settings.fee_per_component_eur == 50


# --- 2: DUO results -------------------------------------------------------------------------------

def test_a_result_file_with_bad_rows_names_each_row_and_stores_nothing(
    client, db, school, frozen_now
) -> None:
    frozen_now(datetime(2026, 3, 25, 10))
    login(client, school["admin"].email)
    response = _upload(client, HEADER,
                       "111222333;lezen;2026-03-02;B1;geslaagd;1",
                       "123456789;lezen;2026-03-02;B1;geslaagd;1",   # BSN fails the elfproef
                       "111222333;rekenen;2026-03-02;B1;geslaagd;1",  # no such component
                       "111222333;spreken;2026-04-02;B1;geslaagd;1",  # in the future
                       "111222333;schrijven;2026-03-02;C1;misschien;x",  # level, result, attempt
                       "111222333;lezen;2026-03-03;B1;gezakt;1")  # attempt 1 twice in the file
    assert response.status_code == 422
    errors = {(e.split("|")[0], e.split("|")[1]) for e in _row_errors(text(response))}
    assert errors >= {("3", "bsn"), ("4", "onderdeel"), ("5", "examendatum"), ("6", "niveau"),
                      ("6", "uitslag"), ("6", "poging"), ("7", "poging")}
    assert _count(db, ExamResult) == 0 and _count(db, ExamPathChange) == 0


def _row_errors(html: str) -> list[str]:
    import re
    found = re.findall(r'class="row-error" data-row="(\d+)" data-column="([^"]+)"', html)
    return [f"{r}|{c}" for r, c in found]


def test_an_attempt_already_recorded_is_refused_with_its_row(client, db, school, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 25, 10))
    login(client, school["admin"].email)
    assert _upload(client, HEADER, "111222333;lezen;2026-02-02;B1;gezakt;1").status_code == 302
    response = _upload(client, HEADER, "111222333;luisteren;2026-02-02;B1;geslaagd;",
                       "111222333;lezen;2026-03-02;B1;geslaagd;1")
    assert response.status_code == 422 and ("3|poging") in _row_errors(text(response))
    assert _count(db, ExamResult) == 1


def test_an_xlsx_result_file_counts_attempts_per_component(client, db, school, frozen_now) -> None:
    from openpyxl import Workbook

    frozen_now(datetime(2026, 3, 25, 10))
    login(client, school["admin"].email)
    book = Workbook()
    book.active.append(["BSN", "Component", "Exam date", "Level", "Result", "Attempt"])
    book.active.append(["111222333", "spreken", date(2026, 1, 12), "A2", "gezakt", None])
    book.active.append(["111222333", "spreken", date(2026, 2, 16), "A2", "gezakt", None])
    book.active.append(["111222333", "lezen", date(2026, 2, 16), "B1", "geslaagd", None])
    out = io.BytesIO()
    book.save(out)
    response = submit(client, "/transfer/import",
                      {"kind": "results", "file": (io.BytesIO(out.getvalue()), "duo.xlsx")},
                      content_type="multipart/form-data")
    assert response.status_code == 302
    exams = {e.component: e for e in db.execute(sa.select(LearnerExam)).scalars()}
    assert (exams["spreken"].attempts, exams["spreken"].status) == (2, "open")
    assert (exams["lezen"].attempts, exams["lezen"].status) == (1, "passed")
    _as_dutch(client)
    page = text(client.get(f"/learners/{school['amina'].id}"))
    assert "kost €\xa050,00" in page and "12 jan 2026 A2 niet behaald" in page


def test_a_result_entered_by_hand_is_audited_and_a_second_pass_refused(
    client, db, school, frozen_now
) -> None:
    frozen_now(datetime(2026, 3, 25, 10))
    login(client, school["admin"].email)
    url = f"/exam-path/learners/{school['amina'].id}/results/new"
    data = {"component": "KNM", "exam_date": "2026-03-02", "level": "A2", "result": "passed", "attempt": ""}
    assert submit(client, url, data).status_code == 302
    change = db.execute(sa.select(ExamPathChange)).scalar_one()
    assert change.kind == "result" and change.changed_by_id == school["admin"].id
    assert change.new["source"] == "manual" and change.new["attempt"] == 1
    assert submit(client, url, data).status_code == 422  # KNM is passed: not offered any more
    assert _count(db, ExamResult) == 1


# --- 3: obligation met, billing release and the final-invoice deadline ----------------------------

LAST_PASSED = (HEADER, "111222333;lezen;2026-02-16;B1;geslaagd;1",
               "111222333;luisteren;2026-02-16;B1;geslaagd;1", "111222333;schrijven;2026-02-16;B1;geslaagd;1",
               "111222333;spreken;2026-02-16;B1;gezakt;1", "111222333;KNM;2026-02-16;B1;geslaagd;1")


def test_importing_the_last_passed_component_releases_the_rest_and_shows_the_deadline(
    app, client, db, school, frozen_now
) -> None:
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    db.commit()
    frozen_now(datetime(2026, 3, 25, 10))
    login(client, school["admin"].email)
    assert _upload(client, *LAST_PASSED).status_code == 302
    assert db.get(Learner, school["amina"].id).obligation_met_on is None  # spreken still open
    assert _upload(client, HEADER, "111222333;spreken;2026-03-16;B1;geslaagd;2").status_code == 302
    db.expire_all()
    amina = db.get(Learner, school["amina"].id)
    assert (amina.obligation_met_on, amina.obligation_ground) == (date(2026, 3, 16), "exam")

    make_drafts(db, school["provider"], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    draft = db.execute(sa.select(Invoice)).scalar_one()
    assert draft.total_cents == school["lessons"] * 3 * 1450 > 50_000  # whole open amount, above the cap

    frozen_now(datetime(2026, 4, 2, 10))
    client = app.test_client()
    login(client, school["finance"].email)
    _as_dutch(client)
    board = text(client.get("/dashboard"))
    assert "eindfactuur uiterlijk 16 jul 2026" in board
    frozen_now(datetime(2026, 7, 17, 10))
    board = text(client.get("/dashboard"))
    assert 'class="overdue"' in board and "eindfactuur te laat sinds 16 jul 2026" in board
    lifecycle.issue(db, draft, date(2026, 4, 3))
    db.commit()
    assert "eindfactuur" not in text(client.get("/dashboard"))


def test_a_correction_of_the_obligation_needs_a_reason_and_is_kept(client, db, school, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 25, 10))
    login(client, school["admin"].email)
    url = f"/exam-path/learners/{school['amina'].id}/obligation"
    exam = submit(client, url, {"met_on": "2026-03-20", "ground": "exam", "reason": "", "save": "1"})
    assert exam.status_code == 422  # nothing passed yet
    z_route = submit(client, url, {"met_on": "2026-03-20", "ground": "z_route", "reason": "", "save": "1"})
    assert z_route.status_code == 422  # Amina follows the B1 route
    ok = submit(client, url, {"met_on": "2026-03-20", "ground": "exemption",
                              "reason": "DUO-besluit ontheffing 18-03-2026", "save": "1"})
    assert ok.status_code == 302
    silent = submit(client, url, {"met_on": "2026-03-10", "ground": "exemption", "reason": "", "save": "1"})
    assert silent.status_code == 422
    db.expire_all()
    assert db.get(Learner, school["amina"].id).obligation_met_on == date(2026, 3, 20)
    fixed = submit(client, url, {"met_on": "2026-03-18", "ground": "exemption",
                                 "reason": "Datum van het besluit, niet van de brief", "save": "1"})
    assert fixed.status_code == 302
    changes = db.execute(sa.select(ExamPathChange).order_by(ExamPathChange.id)).scalars().all()
    assert [c.new["met_on"] for c in changes] == ["2026-03-20", "2026-03-18"]
    assert changes[1].old["met_on"] == "2026-03-20" and changes[1].reason.startswith("Datum")
    page = text(client.get(f"/learners/{school['amina'].id}"))
    assert "Datum van het besluit" in page


def test_a_teacher_sees_no_final_invoice_deadlines(client, db, school, frozen_now) -> None:
    frozen_now(datetime(2026, 4, 2, 10))
    db.execute(sa.update(Learner).values(obligation_met_on=date(2026, 3, 16), obligation_ground="exam"))
    db.commit()
    login(client, school["teacher"].email)
    assert 'id="final-invoices-due"' not in text(client.get("/dashboard"))


def test_two_providers_results_never_meet(client, db, school, frozen_now) -> None:
    other = make_provider(db)
    make_learner(db, other, bsn="123456782")
    frozen_now(datetime(2026, 3, 25, 10))
    login(client, school["admin"].email)
    response = _upload(client, HEADER, "123456782;lezen;2026-03-02;B1;geslaagd;1")
    assert response.status_code == 422 and "2|bsn" in _row_errors(text(response))

