"""Exam planning in the portal: the calendar, a run, publication, rosters and invitation letters."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlmodel import Session

from provider_portal.exams.calendar import CalendarError, close_day, open_days, plan_calendar
from provider_portal.exams.problem import build_exam_problem
from provider_portal.jobs.queue import run_pending
from provider_portal.models import (
    ExamBooking,
    ExamSession,
    Job,
    LearnerExam,
    PlanningProfile,
    PlanRun,
)
from provider_portal.models.enums import Role
from provider_portal.planning.runs import RunError, publish, start_run
from scheduler.exams.check import check
from scheduler.exams.io import bookings_from_solution_json, problem_from_json
from tests.factories import make_exam_location, make_learner, make_provider, make_ready, make_user
from tests.pdfs import FORMULA_NAME, MARKUP_FIRST, MARKUP_LAST, MARKUP_NAME, pdf_text, uri_links
from tests.web import csrf_token, login, submit, text

PLAN_DATE = date(2026, 12, 1)  # ready six weeks later: 12 January 2027


@pytest.fixture()
def world(db: Session) -> dict:
    place = make_exam_location(db)
    plan_calendar(db, place, date(2027, 1, 11), date(2027, 2, 26), {1, 3}, seats=10, examiners=1)
    db.commit()
    provider = make_provider(db)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    amina = make_learner(db, provider, first_name="Amina", municipality="Utrecht")
    again = make_learner(db, provider, first_name="Herkansing", municipality="Utrecht")
    db.execute(sa.update(LearnerExam).where(LearnerExam.learner_id == again.id).values(status="passed"))
    db.execute(
        sa.update(LearnerExam)
        .where(LearnerExam.learner_id == again.id, LearnerExam.component == "lezen")
        .values(status="open", attempts=2)
    )
    db.commit()
    for learner in (amina, again):
        make_ready(db, learner, date(2026, 11, 2))  # declared exam-ready a month before the run
    return {"place": place, "planner": planner, "amina": amina, "again": again}


def test_exam_days_skip_holidays_closed_days_and_other_weekdays(db, world) -> None:
    place = world["place"]
    place.closed_dates = ["2027-01-14"]
    days = open_days(place, date(2027, 4, 20), date(2027, 4, 30), {1, 3})
    assert days == [date(2027, 4, 20), date(2027, 4, 22), date(2027, 4, 29)]  # 27 April is King's Day
    assert date(2027, 1, 14) not in open_days(place, date(2027, 1, 11), date(2027, 1, 15), {1, 3})


def test_the_calendar_is_generated_once_however_often_it_is_asked(db, world) -> None:
    count = db.execute(sa.select(sa.func.count()).select_from(ExamSession)).scalar_one()
    assert count == 14 * 6  # 14 Tuesdays and Thursdays, 5 components + one ONA sitting each
    assert plan_calendar(db, world["place"], date(2027, 1, 11), date(2027, 2, 26), {1, 3}, 10, 1) == 0
    db.commit()
    with pytest.raises(CalendarError):
        plan_calendar(db, world["place"], date(2027, 2, 1), date(2027, 1, 1), {1}, 10, 1)


def test_closing_a_day_removes_its_sessions(db, world) -> None:
    assert close_day(db, world["place"], date(2027, 1, 12)) == 6
    db.commit()
    assert "2027-01-12" in world["place"].closed_dates


def test_the_problem_holds_what_each_learner_still_needs_with_attempts_and_needs(db, world) -> None:
    db.add(PlanningProfile(learner_id=world["amina"].id, exam_needs=["accessible"]))
    db.commit()
    problem = build_exam_problem(db, ("Utrecht",), PLAN_DATE)
    learners = {x.id: x for x in problem.learners}
    amina, again = learners[str(world["amina"].id)], learners[str(world["again"].id)]
    assert set(amina.needs) == {"lezen", "luisteren", "schrijven", "spreken", "knm"}
    assert amina.requirements == frozenset({"accessible"}) and amina.ready == date(2027, 1, 12)
    assert again.needs == ("lezen",) and again.attempts_used("lezen") == 2


def _solve(db: Session, engine, world: dict):  # type: ignore[no-untyped-def]
    run = start_run(db, world["planner"], ("Utrecht",), 5, PLAN_DATE, kind="exams")
    db.commit()
    assert run_pending(engine) == 1
    db.refresh(run)
    return run


def test_an_exam_run_books_what_it_can_and_flags_the_fee_of_a_third_attempt(db, engine, world) -> None:
    run = _solve(db, engine, world)
    assert db.get(Job, run.job_id).status == "succeeded"
    errors, _objective = check(problem_from_json(run.problem), bookings_from_solution_json(run.solution))
    assert errors == []
    booked = {(b["learner"], b["component"]): b for b in run.solution["bookings"]}
    assert len(booked) == 6
    third = booked[(str(world["again"].id), "lezen")]
    assert third["attempt"] == 3 and third["fee_eur"] == 50


def test_the_review_says_why_a_component_is_unbooked_in_the_readers_language(
    client, db, engine, world
) -> None:
    db.add(PlanningProfile(learner_id=world["amina"].id, exam_needs=["hearing_loop"]))
    db.commit()
    run = _solve(db, engine, world)
    login(client, world["planner"].email)
    url = f"/planning/runs/{run.id}"
    with client.session_transaction() as browser:
        browser["lang"] = "nl"
    assert "lezen: 14 zitting(en): DUO Amsterdam heeft geen hearing_loop" in text(client.get(url))
    with client.session_transaction() as browser:
        browser["lang"] = "en"
    assert "lezen: 14 session(s): DUO Amsterdam lacks hearing_loop" in text(client.get(url))
    run.solution = {
        **run.solution,
        "unbooked": [{k: v for k, v in u.items() if k != "reason_codes"} for u in run.solution["unbooked"]],
    }
    db.add(run)
    db.commit()  # as stored before reason codes existed: the English text
    with client.session_transaction() as browser:
        browser["lang"] = "nl"
    assert "lezen: 14 session(s): DUO Amsterdam lacks hearing_loop" in text(client.get(url))


def test_publishing_books_the_components_and_marks_them_planned(db, engine, world) -> None:
    assert publish(db, _solve(db, engine, world)) == 6
    db.commit()
    statuses = set(
        db.execute(sa.select(LearnerExam.status).where(LearnerExam.learner_id == world["amina"].id)).scalars()
    )
    assert statuses == {"planned"}
    assert (
        db.execute(
            sa.select(ExamBooking.fee_cents).where(ExamBooking.learner_id == world["again"].id)
        ).scalar_one()
        == 5000
    )


def test_a_run_without_exam_sessions_is_refused(db, world) -> None:
    db.execute(sa.delete(ExamSession))
    db.commit()
    with pytest.raises(RunError):
        start_run(db, world["planner"], ("Utrecht",), 10, PLAN_DATE, kind="exams")


def test_rosters_and_invitation_letters_come_from_the_published_bookings(client, db, engine, world) -> None:
    publish(db, _solve(db, engine, world))
    db.commit()
    login(client, world["planner"].email)
    day = (
        db.execute(
            sa.select(ExamSession.day)
            .join(ExamBooking, ExamBooking.session_id == ExamSession.id)
            .where(ExamBooking.learner_id == world["amina"].id)
        )
        .scalars()
        .first()
    )
    csv_text = client.get(f"/planning/exams/locations/{world['place'].id}/roster/{day}.csv").get_data(
        as_text=True
    )
    assert csv_text.startswith("Tijd;Onderdeel;Naam") and "Amina" in csv_text
    roster = client.get(f"/planning/exams/locations/{world['place'].id}/roster/{day}.pdf")
    assert roster.data.startswith(b"%PDF")
    letter = client.get(f"/planning/exams/invitations/{world['amina'].id}.pdf")
    words = PdfReader(io.BytesIO(letter.data)).pages[0].extract_text()
    assert "Uitnodiging inburgeringsexamen" in words and "DUO Amsterdam" in words and "gratis" in words
    assert (
        client.get(f"/planning/exams/locations/{world['place'].id}/roster/not-a-day.csv").status_code == 404
    )


def _renamed_and_booked(client, db, engine, world, first: str, last: str) -> date:
    """Publish a run, rename Amina, log the planner in; the day of Amina's first exam."""
    publish(db, _solve(db, engine, world))
    db.commit()
    world["amina"].first_name, world["amina"].last_name = first, last
    db.commit()
    login(client, world["planner"].email)
    return db.execute(
        sa.select(ExamSession.day)
        .join(ExamBooking, ExamBooking.session_id == ExamSession.id)
        .where(ExamBooking.learner_id == world["amina"].id)
    ).scalars().first()


def test_the_roster_and_letter_print_turkish_letters_in_names_as_written(client, db, engine, world) -> None:
    day = _renamed_and_booked(client, db, engine, world, "Emre", "Şahin")
    roster = client.get(f"/planning/exams/locations/{world['place'].id}/roster/{day}.pdf")
    letter = client.get(f"/planning/exams/invitations/{world['amina'].id}.pdf")
    for pdf in (roster, letter):
        pages = PdfReader(io.BytesIO(pdf.data)).pages
        assert "Emre Şahin" in "\n".join(page.extract_text() for page in pages)


def test_another_municipalitys_planner_cannot_read_the_invitation_or_see_the_names(
    app, db, engine, world
) -> None:
    publish(db, _solve(db, engine, world))
    db.commit()
    other = make_user(db, None, role=Role.PLANNER, municipalities=("Rotterdam",))
    client = app.test_client()
    login(client, other.email)
    assert client.get(f"/planning/exams/invitations/{world['amina'].id}.pdf").status_code == 404
    day = (
        db.execute(sa.select(ExamSession.day).join(ExamBooking, ExamBooking.session_id == ExamSession.id))
        .scalars()
        .first()
    )
    roster = client.get(f"/planning/exams/locations/{world['place'].id}/roster/{day}.csv").get_data(
        as_text=True
    )
    assert "Amina" not in roster  # the location is shared; the names are not


def test_a_pinned_booking_is_kept_by_the_next_run(client, db, engine, world) -> None:
    publish(db, _solve(db, engine, world))
    db.commit()
    login(client, world["planner"].email)
    before = db.execute(
        sa.select(ExamBooking).where(
            ExamBooking.learner_id == world["amina"].id, ExamBooking.component == "spreken"
        )
    ).scalar_one()
    page = f"/planning/learners/{world['amina'].id}"
    response = submit(
        client, page, {"component": "spreken"}, action=f"/planning/exams/learners/{world['amina'].id}/pin"
    )
    assert response.status_code == 302
    db.expire_all()  # the pin was made by the request's own session
    run = _solve(db, engine, world)
    assert {
        "learner": str(world["amina"].id),
        "component": "spreken",
        "session": str(before.session_id),
        "pinned": True,
    } in run.problem["bookings"]
    publish(db, run)
    db.commit()
    db.expire_all()
    after = db.execute(
        sa.select(ExamBooking).where(
            ExamBooking.learner_id == world["amina"].id, ExamBooking.component == "spreken"
        )
    ).scalar_one()
    assert after.pinned and after.session_id == before.session_id


def test_a_name_written_as_markup_prints_as_text_in_the_roster_and_letter(client, db, engine, world) -> None:
    day = _renamed_and_booked(client, db, engine, world, MARKUP_FIRST, MARKUP_LAST)
    roster = client.get(f"/planning/exams/locations/{world['place'].id}/roster/{day}.pdf")
    letter = client.get(f"/planning/exams/invitations/{world['amina'].id}.pdf")
    for pdf in (roster, letter):
        assert pdf.status_code == 200
        assert MARKUP_NAME in pdf_text(pdf.data) and uri_links(pdf.data) == []
    assert f"Beste {MARKUP_NAME}," in pdf_text(letter.data)


def test_a_name_written_as_a_formula_is_text_in_the_roster_csv(client, db, engine, world) -> None:
    day = _renamed_and_booked(client, db, engine, world, FORMULA_NAME, "-2+3")
    response = client.get(f"/planning/exams/locations/{world['place'].id}/roster/{day}.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    assert f"'{FORMULA_NAME} -2+3" in [row[2] for row in rows[1:]]


def test_an_exam_calendar_of_more_than_two_years_is_refused(db, world) -> None:
    with pytest.raises(CalendarError) as refused:
        plan_calendar(db, world["place"], date(2027, 1, 1), date(2099, 12, 31), {1}, 10, 1)
    assert refused.value.field == "last"


def test_a_double_click_on_starting_an_exam_run_queues_one_run(client, db, world, frozen_now) -> None:
    frozen_now(datetime(2026, 12, 1, 9, 0))
    login(client, world["planner"].email)
    form = {"csrf_token": csrf_token(client, "/planning/exams/"), "municipalities": ["Utrecht"],
            "time_limit": "5"}
    first, second = client.post("/planning/exams/", data=form), client.post("/planning/exams/", data=form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    (run,) = db.execute(sa.select(PlanRun)).scalars()
    assert db.execute(sa.select(sa.func.count()).select_from(Job)).scalar_one() == 1
    page = text(client.get(second.headers["Location"]))
    said = "staat al in de wachtrij of loopt; u ziet haar hier."
    assert f"Planningsronde {run.id} voor deze gemeenten {said}" in page
