"""Group-session planning in the portal: from the portal's data to a solved, published plan."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlmodel import Session

from provider_portal.jobs.queue import claim_next, request_cancel, run_job, run_pending
from provider_portal.models import Job, LearnerModule, Placement, PlanningProfile, PlanRun
from provider_portal.models.enums import Role
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort, weekly_meetings
from provider_portal.planning.problem import build_problem
from provider_portal.planning.review import build_review
from provider_portal.planning.runs import RunError, publish, start_run
from scheduler.sessions.check import check
from scheduler.sessions.io import problem_from_json, solution_from_json
from tests.factories import make_class, make_enrolment, make_learner, make_provider, make_user
from tests.pages import read_page
from tests.pdfs import FORMULA_NAME, MARKUP_FIRST, MARKUP_LAST, pdf_text, uri_links
from tests.web import login, submit, text

PLAN_DATE = date(2026, 12, 1)
FIRST_TUESDAY = date(2027, 1, 5)


def _cohort(
    db: Session, trainer_id: int, module: str, language: str = "ar", town: str = "Utrecht", **over
) -> int:
    data = CohortData(
        municipality=town,
        module=module,
        name=f"{module} {language} {town}",
        venue=f"Wijkcentrum {town}",
        language=language,
        trainer_id=trainer_id,
        min_size=1,
        max_size=10,
        cost_cents=25000,
        first_day=FIRST_TUESDAY,
        meetings=4,
        start_time=time(10),
        end_time=time(12),
    )
    cohort = save_cohort(db, CohortData(**{**data.__dict__, **over}))
    db.commit()  # the caller of the service commits
    return int(cohort.id or 0)


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht", "Amersfoort"))
    amina = make_learner(
        db,
        provider,
        first_name="Amina",
        route="B1",
        municipality="Utrecht",
        languages=("ar",),
        duo_term_start=date(2026, 6, 1),
    )
    dawit = make_learner(
        db,
        provider,
        first_name="Dawit",
        route="onderwijs",
        municipality="Amersfoort",
        postcode="3811AA",
        languages=("ti",),
        duo_term_start=date(2026, 6, 1),
    )
    make_learner(db, provider, first_name="Rotterdammer", municipality="Rotterdam", postcode="3011AA")
    trainer = add_trainer(db, "Utrecht", "Fatima Trainer", "fatima@utrecht.nl")
    db.commit()
    cohorts = {
        m: _cohort(db, trainer.id, m, first_day=FIRST_TUESDAY + timedelta(days=i))  # Tue, Wed, Thu
        for i, m in enumerate(("KNM", "PVT", "MAP"))
    }
    return {
        "provider": provider,
        "planner": planner,
        "amina": amina,
        "dawit": dawit,
        "trainer": trainer,
        "cohorts": cohorts,
    }


def test_weekly_meetings_skip_public_holidays() -> None:
    assert weekly_meetings(date(2026, 4, 20), 3) == [date(2026, 4, 20), date(2026, 5, 4), date(2026, 5, 11)]


def test_the_problem_holds_the_planners_learners_with_what_they_still_need(db, world) -> None:
    problem = build_problem(db, ("Utrecht", "Amersfoort"), PLAN_DATE)
    learners = {x.id: x for x in problem.learners}
    assert set(learners) == {str(world["amina"].id), str(world["dawit"].id)}
    amina = learners[str(world["amina"].id)]
    assert amina.deadlines["PVT"] == date(2027, 6, 1) and amina.deadlines["KNM"] == date(2029, 6, 1)
    assert problem.needs(amina, "MAP") and not problem.needs(learners[str(world["dawit"].id)], "MAP")
    assert {c.module for c in problem.cohorts} == {"KNM", "PVT", "MAP"}


def test_the_learners_own_lessons_and_profile_shape_the_problem(db, world) -> None:
    course = make_class(db, world["provider"], start_date=date(2027, 1, 4), end_date=date(2027, 2, 26))
    make_enrolment(db, course, world["amina"])
    db.add(PlanningProfile(learner_id=world["amina"].id, availability=["tue:evening"], max_travel_km=5))
    db.commit()
    amina = next(x for x in build_problem(db, ("Utrecht",), PLAN_DATE).learners)
    assert (
        len(amina.busy) == 8 and amina.max_travel_km == 5.0
    )  # Mon+Wed lessons up to the last meeting, 26 Jan
    assert {(d, str(p)) for d, p in amina.availability} == {("tue", "evening")}


def _solve(db: Session, engine, world: dict, time_limit: int = 5) -> PlanRun:
    run = start_run(db, world["planner"], ("Utrecht", "Amersfoort"), time_limit, PLAN_DATE)
    db.commit()
    assert run_pending(engine) == 1
    db.refresh(run)
    return run


def test_a_run_in_the_jobs_process_places_who_can_be_placed_and_explains_the_rest(db, engine, world) -> None:
    run = _solve(db, engine, world)
    job = db.get(Job, run.job_id)
    assert job.status == "succeeded", job.error
    problem, solution = problem_from_json(run.problem), solution_from_json(run.solution)
    assert check(problem, solution.assignments).violations == ()
    placed = {(a.learner, a.module) for a in solution.assignments}
    amina = str(world["amina"].id)
    assert placed == {(amina, "KNM"), (amina, "PVT"), (amina, "MAP")}
    [(learner, reasons)] = [(u.learner, u.reasons) for u in solution.unplaced if u.module == "KNM"]
    assert learner == str(world["dawit"].id) and any("Tigrinya" in r or "ti" in r for r in reasons)


def _read_in(client, lang: str, url: str) -> str:  # type: ignore[no-untyped-def]
    with client.session_transaction() as browser:
        browser["lang"] = lang
    return text(client.get(url))


def test_the_review_says_why_in_the_planners_language(client, db, engine, world) -> None:
    run = _solve(db, engine, world)
    login(client, world["planner"].email)
    url = f"/planning/runs/{run.id}"
    assert "KNM: geen cohort in het Tigrinya" in _read_in(client, "nl", url)
    english = _read_in(client, "en", url)
    assert "KNM: no cohort in Tigrinya" in english and "geen cohort" not in english


def test_a_run_stored_before_reason_codes_shows_its_english_reasons(client, db, engine, world) -> None:
    run = _solve(db, engine, world)
    solution = dict(run.solution)
    solution["unplaced_learners"] = [
        {k: v for k, v in u.items() if k != "reason_codes"} for u in solution["unplaced_learners"]
    ]
    run.solution = solution
    db.add(run)
    db.commit()
    login(client, world["planner"].email)
    page = _read_in(client, "nl", f"/planning/runs/{run.id}")
    assert "KNM: no cohort in Tigrinya" in page  # English, with the language code spelled out


def test_publishing_makes_placements_and_marks_the_modules_planned(db, engine, world) -> None:
    run = _solve(db, engine, world)
    assert publish(db, run) == 3
    db.commit()
    rows = db.execute(
        sa.select(LearnerModule.module, LearnerModule.status).where(
            LearnerModule.learner_id == world["amina"].id
        )
    ).all()
    assert {m: s for m, s in rows} == {"KNM": "planned", "PVT": "planned", "MAP": "planned"}


def test_a_pinned_placement_survives_the_next_run_and_publication(db, engine, world) -> None:
    publish(db, _solve(db, engine, world))
    db.commit()
    second_knm = _cohort(db, world["trainer"].id, "KNM", name="KNM tweede groep")
    placement = db.execute(sa.select(Placement).where(Placement.module == "KNM")).scalar_one()
    placement.pinned = True
    db.commit()
    run = _solve(db, engine, world)
    assert ("KNM", str(world["cohorts"]["KNM"])) in {
        (e.module, e.cohort) for e in problem_from_json(run.problem).existing
    }
    publish(db, run)
    db.commit()
    db.expire_all()
    kept = db.execute(sa.select(Placement).where(Placement.module == "KNM")).scalar_one()
    assert kept.cohort_id == world["cohorts"]["KNM"] and kept.cohort_id != second_knm and kept.pinned


def test_a_run_needs_cohorts_and_a_sane_time_limit(db, world) -> None:
    with pytest.raises(RunError):
        start_run(db, world["planner"], ("Amersfoort",), 30, PLAN_DATE)
    with pytest.raises(RunError):
        start_run(db, world["planner"], ("Utrecht",), 1, PLAN_DATE)


def test_a_cancelled_run_stops_and_says_so(db, engine, world) -> None:
    run = start_run(db, world["planner"], ("Utrecht", "Amersfoort"), 60, PLAN_DATE)
    db.commit()
    job_id = claim_next(engine)
    assert job_id == run.job_id
    job = db.get(Job, job_id)
    request_cancel(db, job)
    db.commit()
    assert run_job(engine, job_id) == "succeeded"
    db.refresh(job)
    assert job.result["cancelled"] is True and job.result["seconds"] < 10  # of a 60 s limit


def test_the_planner_creates_a_cohort_runs_reviews_publishes_and_pins(client, db, engine, world) -> None:
    login(client, world["planner"].email)
    response = submit(
        client,
        "/planning/cohorts/new",
        {
            "module": "KNM",
            "name": "KNM Tigrinya",
            "municipality": "Amersfoort",
            "venue": "Bibliotheek",
            "language": "ti",
            "trainer_id": world["trainer"].id,
            "min_size": "1",
            "max_size": "12",
            "cost": "300",
            "first_day": "2027-01-06",
            "meetings": "3",
            "start_time": "13:00",
            "end_time": "15:00",
        },
    )
    assert response.status_code == 302, text(response)
    listed = read_page(text(client.get("/planning/cohorts/"))).visible_text
    assert "Tigrinya" in listed and "ti" not in listed.split()  # the language's name, not its code
    bad = submit(
        client,
        "/planning/cohorts/new",
        {
            "module": "KNM",
            "name": "x",
            "municipality": "Rotterdam",
            "venue": "x",
            "language": "ar",
            "trainer_id": world["trainer"].id,
            "min_size": "5",
            "max_size": "2",
            "first_day": "2027-01-06",
            "meetings": "3",
            "start_time": "13:00",
            "end_time": "12:00",
        },
    )
    assert 'id="municipality-error"' in text(bad)
    run = start_run(db, world["planner"], ("Utrecht", "Amersfoort"), 5, PLAN_DATE)
    db.commit()
    run_pending(engine)
    page = text(client.get(f"/planning/runs/{run.id}"))
    assert 'id="placed-count">4<' in page and "Wijkcentrum Utrecht" in page
    publish_url = f"/planning/runs/{run.id}/publish"
    asked = submit(client, f"/planning/runs/{run.id}", {}, action=publish_url)  # asks first, says how many
    assert asked.status_code == 200 and "4 plaatsingen worden het gepubliceerde plan" in text(asked)
    db.expire_all()
    assert db.get(PlanRun, run.id).published_at is None
    assert submit(client, f"/planning/runs/{run.id}", {"confirm": "1"}, action=publish_url).status_code == 302
    learner_page = f"/planning/learners/{world['dawit'].id}"
    assert "KNM Tigrinya" in text(client.get(learner_page))
    submit(client, learner_page, {"module": "KNM"}, action=f"/planning/learners/{world['dawit'].id}/pin")
    assert db.execute(
        sa.select(Placement.pinned).where(Placement.learner_id == world["dawit"].id)
    ).scalar_one()


def test_participant_lists_download_as_csv_and_pdf(client, db, engine, world) -> None:
    publish(db, _solve(db, engine, world))
    db.commit()
    login(client, world["planner"].email)
    knm = world["cohorts"]["KNM"]
    csv_text = client.get(f"/planning/cohorts/{knm}/participants.csv").get_data(as_text=True)
    assert csv_text.splitlines()[0] == "Naam;Gemeente;Postcode;Route;Talen" and "Amina" in csv_text
    pdf = client.get(f"/planning/cohorts/{knm}/participants.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"/planning/cohorts/{knm}/participants.xml").status_code == 404


def test_the_participant_list_pdf_prints_turkish_letters_as_written(client, db, engine, world) -> None:
    publish(db, _solve(db, engine, world))
    db.commit()
    world["amina"].first_name, world["amina"].last_name = "Gülşen", "Ağaoğlu"
    db.commit()
    login(client, world["planner"].email)
    pdf = client.get(f"/planning/cohorts/{world['cohorts']['KNM']}/participants.pdf")
    words = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Ağaoğlu, Gülşen" in words


def test_a_planner_sees_nothing_of_another_municipalitys_cohorts_or_runs(app, db, engine, world) -> None:
    other = make_user(db, None, role=Role.PLANNER, municipalities=("Rotterdam",))
    run = _solve(db, engine, world)
    client = app.test_client()
    login(client, other.email)
    knm = world["cohorts"]["KNM"]
    for url in (
        f"/planning/cohorts/{knm}",
        f"/planning/cohorts/{knm}/participants.csv",
        f"/planning/runs/{run.id}",
        f"/planning/learners/{world['amina'].id}/profile",
    ):
        assert client.get(url).status_code == 404, url


def test_a_name_written_as_markup_or_a_formula_stays_text_in_the_participant_lists(
    client, db, engine, world
) -> None:
    publish(db, _solve(db, engine, world))
    db.commit()
    world["amina"].first_name, world["amina"].last_name = MARKUP_FIRST, MARKUP_LAST
    db.commit()
    login(client, world["planner"].email)
    knm = world["cohorts"]["KNM"]
    pdf = client.get(f"/planning/cohorts/{knm}/participants.pdf")
    assert pdf.status_code == 200 and uri_links(pdf.data) == []
    assert f"{MARKUP_LAST}, {MARKUP_FIRST}" in pdf_text(pdf.data)
    world["amina"].first_name, world["amina"].last_name = "@SUM(1)", FORMULA_NAME
    db.commit()
    rows = list(csv.reader(io.StringIO(client.get(f"/planning/cohorts/{knm}/participants.csv").get_data(
        as_text=True)), delimiter=";"))
    assert f"'{FORMULA_NAME}, @SUM(1)" in [row[0] for row in rows[1:]]


def test_the_planning_profile_offers_day_parts_in_dutch(client, world) -> None:
    login(client, world["planner"].email)
    page = text(client.get(f"/planning/learners/{world['dawit'].id}/profile"))
    assert ">maandagochtend<" in page and ">zondagavond<" in page
    visible = read_page(page).visible_text
    assert "Monday" not in visible and "morning" not in visible


def test_the_run_page_summarises_unplaced_by_reason_with_counts_and_travel_bands(
    client, db, engine, world
) -> None:
    run = _solve(db, engine, world)
    review = build_review(db, run)
    counts = dict(review.reason_counts)
    unplaced_modules = len(review.unplaced)
    assert unplaced_modules >= 1
    # every unplaced learner-module is counted, once per kind of reason it has
    assert sum(counts.values()) >= len(review.unplaced)
    assert sum(n for _band, n in review.travel_bands) == len(review.solution.assignments) == 3
    login(client, world["planner"].email)
    page = _read_in(client, "nl", f"/planning/runs/{run.id}")
    assert 'id="unplaced-reasons"' in page and 'id="travel-chart"' in page
    assert "Reisafstand van de geplaatste inburgeraars" in page
    # Dawit's modules held back for want of a cohort in his language (Tigrinya), counted per module
    no_language = sum(1 for _n, _m, reasons in review.unplaced
                      if any("no cohort in" in r for r in reasons))
    assert no_language >= 1 and counts["No cohort in the learner's language"] == no_language
    row = rf'<td>Geen cohort in de taal van de inburgeraar</td><td class="num">{no_language}</td>'
    assert re.search(row, page)
    assert "KNM: geen cohort in het Tigrinya" in page  # the detail, folded away
    assert "<details>\n    <summary><strong>" in page and "<details open" not in page  # cohorts fold away
