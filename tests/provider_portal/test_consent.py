"""Progress reaches the municipality only with the learner's consent: in scope, from its date, until
withdrawn."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.consent.service import (
    ConsentData,
    ConsentError,
    record_consent,
    shared_window,
    withdraw_consent,
)
from provider_portal.models import (
    Attendance,
    ConsentEvent,
    ExamBooking,
    ExamLocation,
    ExamSession,
    LearnerConsent,
    LearnerModule,
    Lesson,
)
from provider_portal.models.enums import Role
from provider_portal.models.types import utcnow
from tests.factories import make_class, make_enrolment, make_learner, make_provider, make_user
from tests.pdfs import pdf_text, uri_links
from tests.web import login, submit, text

TODAY = datetime(2026, 3, 20, 10, 0)


@pytest.fixture()
def world(db: Session, frozen_now) -> dict:
    frozen_now(TODAY)
    provider = make_provider(db)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    teacher = make_user(db, provider, role=Role.TEACHER)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    course = make_class(db, provider, teachers=(teacher,))  # Mondays and Wednesdays 09-12 from 5 January 2026
    names = {"amina": "Utrecht", "bilal": "Utrecht", "chen": "Utrecht", "zeist": "Amersfoort"}
    learners = {key: make_learner(db, provider, first_name=key.capitalize(), last_name="Test",
                                  municipality=town) for key, town in names.items()}
    lessons = list(db.execute(sa.select(Lesson).where(Lesson.class_id == course.id)
                              .order_by(Lesson.lesson_date)).scalars())
    for learner in learners.values():
        make_enrolment(db, course, learner, from_date=date(2026, 1, 5))
        for lesson in lessons:
            if lesson.lesson_date <= date(2026, 3, 18):
                db.add(Attendance(learner_id=learner.id, lesson_id=lesson.id, status="present", minutes=180))
                lesson.register_taken_at = utcnow()
    db.commit()
    return {"provider": provider, "admin": admin, "teacher": teacher, "planner": planner, **learners}


def _give(db: Session, learner, given_on: date, hours=True, modules=True, exams=True) -> None:
    record_consent(db, learner, ConsentData(given_on, hours, modules, exams), None)
    db.commit()  # the caller's commit: the service leaves it to its caller


def _csv(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/planning/progress.csv{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(text(response)), delimiter=";"))


def test_the_sharing_window_starts_at_the_consent_and_ends_at_withdrawal(db, world) -> None:
    _give(db, world["amina"], date(2026, 2, 1))
    consent = db.get(LearnerConsent, world["amina"].id)
    assert shared_window(consent, date(2026, 1, 1), date(2026, 3, 31), date(2026, 3, 20)) == (
        date(2026, 2, 1), date(2026, 3, 20))
    assert shared_window(consent, date(2026, 1, 1), date(2026, 1, 31), date(2026, 3, 20)) is None
    assert shared_window(consent, date(2026, 1, 1), date(2026, 3, 31), date(2026, 1, 31)) is None
    withdraw_consent(db, world["amina"], date(2026, 3, 10), None)
    db.commit()
    assert shared_window(consent, date(2026, 1, 1), date(2026, 3, 31), date(2026, 3, 9)) is not None
    assert shared_window(consent, date(2026, 1, 1), date(2026, 3, 31), date(2026, 3, 10)) is None


def test_nothing_leaves_without_consent_pages_csv_and_pdf(client, db, world) -> None:
    _give(db, world["amina"], date(2026, 1, 1))
    login(client, world["planner"].email)
    page = text(client.get("/planning/progress"))
    assert "Amina" in page and "Bilal" not in page and "Chen" not in page
    rows = _csv(client)
    assert [r[0] for r in rows[1:]] == ["Amina Test"]
    pdf = pdf_text(client.get("/planning/progress.pdf").data)
    assert "Amina Test" in pdf and "Bilal" not in pdf
    bilal = text(client.get(f"/planning/learners/{world['bilal'].id}"))
    assert 'id="progress-none"' in bilal and 'id="progress-hours"' not in bilal
    amina = text(client.get(f"/planning/learners/{world['amina'].id}"))
    assert 'id="progress-hours"' in amina


def test_only_the_consented_scope_leaves(client, db, world) -> None:
    _give(db, world["amina"], date(2026, 1, 1), hours=False, modules=True, exams=False)
    _give(db, world["bilal"], date(2026, 1, 1), hours=True, modules=False, exams=False)
    login(client, world["planner"].email)
    header, *rows = _csv(client, "?first=2026-01-01&last=2026-03-31")
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    amina, bilal = by_name["Amina Test"], by_name["Bilal Test"]
    assert amina["Uren"] == "niet gedeeld" and amina["Aanwezigheid"] == "niet gedeeld"
    assert "KNM" in amina["Groepsmodules"] and amina["Examenboekingen"] == "niet gedeeld"
    assert bilal["Uren"] not in ("niet gedeeld", "") and bilal["Groepsmodules"] == "niet gedeeld"
    assert bilal["Examenresultaten"] == "niet gedeeld"


def test_hours_are_counted_only_from_the_consent_date(client, db, world) -> None:
    _give(db, world["amina"], date(2026, 3, 1))
    login(client, world["planner"].email)
    header, *rows = _csv(client, "?first=2026-01-01&last=2026-03-31")
    row = dict(zip(header, rows[0], strict=True))
    # March 2, 4, 9, 11, 16 and 18: six lessons of three hours (January and February are not shared)
    assert row["Uren"] == "18,0" and row["Aanwezigheid"] == "100 %"
    assert row["Periode gedeeld"].startswith("1 mrt 2026")


def test_nothing_leaves_before_the_consent_date(client, db, world, frozen_now) -> None:
    _give(db, world["amina"], date(2026, 3, 15))
    login(client, world["planner"].email)
    assert _csv(client, "?first=2026-01-01&last=2026-02-28")[1:] == []  # a period before the consent
    frozen_now(datetime(2026, 3, 14, 10, 0))  # the day before it: it is not in force yet
    assert _csv(client)[1:] == []
    assert 'id="progress-none"' in text(client.get(f"/planning/learners/{world['amina'].id}"))


def test_nothing_leaves_after_withdrawal(client, db, world) -> None:
    _give(db, world["amina"], date(2026, 1, 1))
    withdraw_consent(db, world["amina"], date(2026, 3, 20), world["admin"].id)
    db.commit()
    login(client, world["planner"].email)
    assert _csv(client, "?first=2026-01-01&last=2026-03-31")[1:] == []  # not even the months before
    assert "Amina" not in pdf_text(client.get("/planning/progress.pdf?first=2026-01-01&last=2026-03-31").data)
    assert 'id="progress-none"' in text(client.get(f"/planning/learners/{world['amina'].id}"))


def test_a_municipality_sees_only_its_own_learners(client, db, world) -> None:
    _give(db, world["zeist"], date(2026, 1, 1))  # consented, but lives in Amersfoort
    login(client, world["planner"].email)
    assert _csv(client)[1:] == []
    assert client.get(f"/planning/learners/{world['zeist'].id}").status_code == 404


def test_staff_record_change_and_withdraw_consent_with_an_audit_trail(client, db, world) -> None:
    login(client, world["admin"].email)
    page = f"/learners/{world['amina'].id}/consent"
    response = submit(client, page, {"given_on": "2026-03-02", "share_hours": "y"})
    assert response.status_code == 302
    response = submit(client, page, {"given_on": "2026-03-02", "share_hours": "y", "share_exams": "y"})
    assert response.status_code == 302
    response = submit(client, page, {"withdrawn_on": "2026-03-19"}, action=f"{page}/withdraw")
    assert response.status_code == 302
    consent = db.get(LearnerConsent, world["amina"].id)
    db.refresh(consent)
    assert consent.share_exams and not consent.share_modules and consent.withdrawn_on == date(2026, 3, 19)
    events = db.execute(sa.select(ConsentEvent).order_by(ConsentEvent.id)).scalars().all()
    assert [e.action for e in events] == ["given", "changed", "withdrawn"]
    assert all(e.changed_by_id == world["admin"].id for e in events)
    assert events[1].old["share_exams"] is False and events[1].new["share_exams"] is True
    html = text(client.get(page))
    assert "Toestemming ingetrokken" in html and "Bereik gewijzigd" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"given_on": "2026-03-21", "share_hours": "y"}, "given_on", "toekomst"),
        ({"given_on": "2026-03-01"}, "share_hours", "Kies ten minste"),
        ({"given_on": "gisteren", "share_hours": "y"}, "given_on", "given_on-error"),
    ],
)
def test_bad_consent_input_is_refused_naming_the_field_and_changes_nothing(client, db, world, data, field,
                                                                           message) -> None:
    login(client, world["admin"].email)
    response = submit(client, f"/learners/{world['amina'].id}/consent", data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in text(response) and message in text(response)
    assert db.get(LearnerConsent, world["amina"].id) is None
    assert db.execute(sa.select(sa.func.count()).select_from(ConsentEvent)).scalar_one() == 0


def test_withdrawal_before_the_consent_or_without_one_is_refused(client, db, world) -> None:
    login(client, world["admin"].email)
    page = f"/learners/{world['amina'].id}/consent"
    response = submit(client, page, {"withdrawn_on": "2026-03-01"}, action=f"{page}/withdraw")
    assert response.status_code == 400 and "geen geldende toestemming" in text(response)
    _give(db, world["amina"], date(2026, 3, 2))
    response = submit(client, page, {"withdrawn_on": "2026-03-01"}, action=f"{page}/withdraw")
    assert response.status_code == 400 and "withdrawn_on-error" in text(response)
    assert db.get(LearnerConsent, world["amina"].id).withdrawn_on is None


def test_only_a_provider_admin_records_consent_and_planners_cannot_open_it(app, client, db, world) -> None:
    login(client, world["teacher"].email)
    page = f"/learners/{world['amina'].id}/consent"
    assert submit(client, page, {"given_on": "2026-03-02", "share_hours": "y"}).status_code == 403
    with pytest.raises(ConsentError):
        record_consent(db, world["amina"], ConsentData(date(2026, 3, 2), False, False, False), None)
    planner = app.test_client()
    login(planner, world["planner"].email)
    assert planner.get(page).status_code == 403


def test_the_report_neutralises_formulas_and_escapes_markup(client, db, world) -> None:
    learner = world["amina"]
    learner.first_name, learner.last_name = '=HYPERLINK("http://x","y")', '<img src="/etc/passwd"/>'
    db.add(learner)
    db.commit()
    _give(db, learner, date(2026, 1, 1))
    login(client, world["planner"].email)
    rows = _csv(client)
    assert rows[1][0].startswith("'=")
    pdf = client.get("/planning/progress.pdf").data
    assert "/etc/passwd" in pdf_text(pdf) and uri_links(pdf) == []  # printed as text, never drawn


def test_a_bad_report_period_is_a_400_naming_the_field(client, db, world) -> None:
    login(client, world["planner"].email)
    response = client.get("/planning/progress.csv?first=2026-03-01&last=2026-02-01")
    assert response.status_code == 400
    response = client.get("/planning/progress?first=2026-13-01")
    assert response.status_code == 400 and 'id="first-error"' in text(response)


def test_module_statuses_are_shared_in_words(client, db, world) -> None:
    db.execute(sa.update(LearnerModule).where(LearnerModule.learner_id == world["amina"].id,
                                              LearnerModule.module == "KNM").values(status="done"))
    db.commit()
    _give(db, world["amina"], date(2026, 1, 1), hours=False, modules=True, exams=False)
    login(client, world["planner"].email)
    header, *rows = _csv(client)
    assert "KNM: Klaar" in dict(zip(header, rows[0], strict=True))["Groepsmodules"]


def test_exam_bookings_leave_only_within_the_exam_scope(client, db, world) -> None:
    place = ExamLocation(code="amsterdam", name="DUO Amsterdam", lat=52.39, lon=4.84)
    db.add(place)
    db.commit()
    sitting = ExamSession(location_id=place.id, day=date(2026, 4, 14), component="lezen", start_time=time(9),
                          minutes=65, seats=10)
    db.add(sitting)
    db.commit()
    for key in ("amina", "bilal"):
        db.add(ExamBooking(learner_id=world[key].id, component="lezen", session_id=sitting.id))
    db.commit()
    _give(db, world["amina"], date(2026, 1, 1), hours=False, modules=False, exams=True)
    _give(db, world["bilal"], date(2026, 1, 1), hours=True, modules=True, exams=False)
    login(client, world["planner"].email)
    header, *rows = _csv(client)
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_name["Amina Test"]["Examenboekingen"] == "14 apr 2026, DUO Amsterdam: Lezen"
    assert by_name["Bilal Test"]["Examenboekingen"] == "niet gedeeld"
    assert "DUO Amsterdam" not in by_name["Bilal Test"].values()


def test_two_staff_recording_consent_at_once_leave_one_consent_and_both_events(engine, db, world) -> None:
    """Both requests load the learner first, then record at the same moment: the learner's row lock
    makes the second wait and see the first's consent, so neither fails nor is lost."""
    barrier, results = threading.Barrier(2), [None, None]

    def record(i: int, data: ConsentData) -> None:
        try:
            with Session(engine, expire_on_commit=False) as session:
                learner = session.get(type(world["amina"]), world["amina"].id)
                barrier.wait(timeout=20)
                results[i] = record_consent(session, learner, data, None)
                session.commit()  # the caller's unit of work ends: the learner's lock is released
        except Exception as exc:  # the thread's result, asserted below
            results[i] = exc

    threads = [threading.Thread(target=record, args=(0, ConsentData(date(2026, 3, 2), True, False, False))),
               threading.Thread(target=record, args=(1, ConsentData(date(2026, 3, 2), False, True, False)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(isinstance(r, Exception) for r in results), results
    events = db.execute(sa.select(ConsentEvent.action).order_by(ConsentEvent.id)).scalars().all()
    assert sorted(events) == ["changed", "given"]
    assert db.execute(sa.select(sa.func.count()).select_from(LearnerConsent)).scalar_one() == 1


def test_a_platform_admin_sees_no_consented_progress(client, db, world) -> None:
    """Consent is to share with the municipality; the platform admin keeps the planning fields only."""
    _give(db, world["amina"], date(2026, 1, 1))
    admin = make_user(db, None, role=Role.PLATFORM_ADMIN)
    login(client, admin.email)
    page = text(client.get(f"/planning/learners/{world['amina'].id}"))
    assert "Amina" in page and 'id="progress-card"' not in page and 'id="progress-hours"' not in page
    assert client.get("/planning/progress").status_code == 403


def test_exam_results_leave_only_with_the_exam_scope_and_never_after_withdrawal(client, db, world) -> None:
    """Issue 12: DUO's results, recorded in the portal, reach the municipality's report and the
    planner's card for a learner whose consent names exams, and for nobody else."""
    from provider_portal.exam_path.results import ResultData, stage_result

    for key in ("amina", "bilal", "chen"):
        stage_result(db, world[key], ResultData("spreken", date(2026, 3, 2), "B1", True, 1), "import", None)
        stage_result(db, world[key], ResultData("lezen", date(2026, 3, 2), "A2", False, 1), "import", None)
    db.commit()
    _give(db, world["amina"], date(2026, 1, 1))
    _give(db, world["bilal"], date(2026, 1, 1), exams=False)
    login(client, world["planner"].email)
    with client.session_transaction() as browser:
        browser["lang"] = "nl"
    header, *rows = _csv(client, "?first=2026-01-01&last=2026-03-31")
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert set(by_name) == {"Amina Test", "Bilal Test"}  # Chen gave no consent: no row at all
    assert by_name["Amina Test"]["Examenresultaten"] == (
        "Lezen 2 mrt 2026: A2 niet behaald; Spreken 2 mrt 2026: B1 behaald")
    assert by_name["Bilal Test"]["Examenresultaten"] == "niet gedeeld"
    pdf = pdf_text(client.get("/planning/progress.pdf?first=2026-01-01&last=2026-03-31").data)
    assert "B1 behaald" in " ".join(pdf.split())
    card = text(client.get(f"/planning/learners/{world['amina'].id}"))
    assert "Spreken 2 mrt 2026: B1 behaald" in card.split('id="progress-results">')[1].split("</dd>")[0]
    assert "2 mrt 2026 B1 behaald" in card  # the exam components' results column too
    for key in ("bilal", "chen"):  # no consent to share exams: planning facts only, no results
        page = text(client.get(f"/planning/learners/{world[key].id}"))
        assert 'id="exam-components"' in page and "2 mrt 2026" not in page and "behaald" not in page
    withdraw_consent(db, world["amina"], date(2026, 3, 10), None)
    db.commit()
    header, *rows = _csv(client, "?first=2026-01-01&last=2026-03-31")
    assert [r[0] for r in rows] == ["Bilal Test"]
    assert 'id="progress-results"' not in text(client.get(f"/planning/learners/{world['amina'].id}"))
