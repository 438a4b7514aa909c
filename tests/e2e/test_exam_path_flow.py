"""In the browser (issue 12): a teacher declares a learner exam-ready, the planner sees it, starts an
exam run for the learner's municipality, reviews and publishes it (the booking lies on or after the
ready date plus the registration lead time) and downloads the letters; the provider imports DUO's
result of that last component, finance's next draft releases the whole open amount above the cap
and the dashboard shows the final invoice's deadline, red once it has passed."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from babel.dates import format_date
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import Session

from billing.quarters import add_months
from provider_portal.exam_path.results import ResultData, stage_result
from provider_portal.exams.calendar import plan_calendar
from provider_portal.jobs.queue import run_pending
from provider_portal.models import CapSetting, ExamBooking, ExamSession, Invoice, PlanRun
from provider_portal.models.enums import Role
from tests.e2e.helpers import download, log_in, shots_at_widths
from tests.factories import (
    make_class,
    make_contract,
    make_enrolment,
    make_exam_location,
    make_learner,
    make_provider,
    make_user,
)
from tests.invoicing_factories import attend_all

READY = date(2026, 1, 5)  # a Monday: the teacher declares "spreken" ready that day
EARLIEST = READY + timedelta(weeks=6)  # the registration lead time, a dated policy figure (6 weeks)
HEADER = "bsn;onderdeel;examendatum;niveau;uitslag;poging"


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()


def _day(value: date) -> str:
    return format_date(value, "medium", locale="nl")


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_one_learner_from_exam_ready_through_an_exam_run_to_the_released_final_draft_and_its_deadline(
    page, db: Session, engine, frozen_now, tmp_path
) -> None:
    frozen_now(datetime.combine(READY, time(9)))
    provider = make_provider(db, phone="030 123 45 67")
    teacher = make_user(db, provider, role=Role.TEACHER)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    finance = make_user(db, provider, role=Role.FINANCE)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    course = make_class(db, provider, teachers=(teacher,))  # Mon + Wed, 5 Jan - 27 Mar 2026
    amina = make_learner(db, provider, first_name="Amina", last_name="Haddad", bsn="111222333",
                         municipality="Utrecht")
    make_contract(db, amina, hourly_rate_cents=1450, total_price_cents=870_000)
    make_enrolment(db, course, amina)
    attend_all(db, course, amina)
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    for component in ("lezen", "luisteren", "schrijven", "KNM"):  # passed last autumn, imported then
        stage_result(db, amina, ResultData(component, date(2025, 11, 17), "B1", True, 1), "import", None)
    place = make_exam_location(db, facilities=["accessible"], address="Wibautstraat 3, 1091 GH Amsterdam")
    # exam days from two weeks on: days before the ready date plus the lead time are open too
    plan_calendar(db, place, READY + timedelta(days=14), date(2026, 3, 26), {0, 3}, seats=4, examiners=0)
    db.commit()

    # the teacher: "spreken" is ready
    log_in(page, teacher.email)
    page.goto(f"/learners/{amina.id}")
    page.locator("#mark-ready").click()
    page.get_by_label("Onderdeel").select_option("spreken")
    page.get_by_label("Examenklaar sinds").fill(READY.isoformat())
    page.get_by_label("Niveau").select_option("B1")
    page.get_by_role("button", name="Examenklaar melden").click()
    ready = page.locator('#exam-components tr[data-component="spreken"] td.ready')
    assert ready.inner_text() == f"sinds {_day(READY)}, niveau B1"
    _logout(page)

    # the planner: sees the readiness, starts an exam run for Utrecht, reviews and publishes it
    log_in(page, planner.email)
    page.goto("/planning/learners")
    assert f"spreken sinds {_day(READY)}" in page.locator("td.exam-ready").first.inner_text()
    page.get_by_role("link", name="Examens").click()
    page.get_by_label("Gemeenten").select_option(["Utrecht"])
    page.get_by_label("Tijdslimiet (seconden)").fill("5")
    page.get_by_role("button", name="Examenrun starten").click()
    assert page.locator("#run-progress").count() == 1
    assert run_pending(engine) == 1  # the jobs process
    page.reload()
    assert page.locator("#booked-count").inner_text() == "1"  # only the ready component
    invitations = page.locator("#invitations tbody tr")
    assert invitations.count() == 1
    booked_text = invitations.first.inner_text()
    assert "Haddad" in booked_text and "Spreken: DUO Amsterdam" in booked_text
    assert "Publiceer eerst de boekingen" in page.locator("#letters").inner_text()
    shots_at_widths(page, "exam-run-review")
    page.get_by_role("button", name="Deze boekingen publiceren").click()
    assert "1 examenboeking wordt het gepubliceerde plan" in page.locator("#confirm-what").inner_text()
    page.get_by_role("button", name="Ja, publiceren").click()
    expect(page.locator("body")).to_contain_text("Examenplan is gepubliceerd: 1 boeking.")

    db.expire_all()
    booking, booked_on = db.execute(
        sa.select(ExamBooking, ExamSession.day).join(ExamSession, ExamSession.id == ExamBooking.session_id)
    ).one()
    assert (booking.learner_id, booking.component, booking.attempt) == (amina.id, "spreken", 1)
    assert booked_on >= EARLIEST  # readiness + the lead time, though earlier days had seats
    assert _day(booked_on) in invitations.first.inner_text()
    run = db.execute(sa.select(PlanRun)).scalar_one()
    assert run.published_at is not None
    shots_at_widths(page, "exam-run-published")

    name, letters = download(page, page.locator("#letters-pdf"))
    assert name == f"brieven-run-{run.id}.pdf"
    letter = _pdf_text(letters)
    assert "Amina Haddad" in letter and "Wibautstraat 3" in letter and "030 123 45 67" in letter
    _, bundle = download(page, page.locator("#letters-zip"))
    names = zipfile.ZipFile(io.BytesIO(bundle)).namelist()
    assert any(n.endswith(f"brieven-amsterdam-{booked_on.isoformat()}.pdf") for n in names), names

    page.goto(f"/planning/learners/{amina.id}")
    assert _day(booked_on) in page.locator("#exam-bookings").inner_text()
    name, _ = download(page, page.get_by_role("link", name="Uitnodigingsbrief (PDF)"))
    assert name == f"uitnodiging-examen-{amina.id}.pdf"
    shots_at_widths(page, "planner-learner")
    _logout(page)

    # the day after the exam: DUO's result file says "spreken" is passed, the last component
    frozen_now(datetime.combine(booked_on + timedelta(days=1), time(10)))
    upload = tmp_path / "duo-uitslagen.csv"
    upload.write_text(f"{HEADER}\n111222333;spreken;{booked_on.isoformat()};B1;geslaagd;1\n",
                      encoding="utf-8")
    log_in(page, admin.email)
    page.goto("/transfer/import")
    page.get_by_label("Inhoud van het bestand").select_option("results")
    page.get_by_label("Bestand (.csv of .xlsx)").set_input_files(str(upload))
    page.get_by_role("button", name="Controleren en importeren").click()
    expect(page.locator("body")).to_contain_text("1 rij is geïmporteerd")
    page.goto(f"/learners/{amina.id}")
    state = page.locator("#obligation-state").inner_text()
    assert state.startswith(f"Inburgeringsplicht voldaan op {_day(booked_on)}")
    shots_at_widths(page, "learner-obligation-met")
    _logout(page)

    # finance, after the quarter: the draft releases the open amount, the dashboard names the deadline
    frozen_now(datetime(2026, 4, 2, 10))
    log_in(page, finance.email)
    page.goto("/invoicing/?quarter=2026-Q1")
    page.locator("#run-drafts button").click()
    assert run_pending(engine) == 1  # the jobs process
    db.expire_all()
    draft = db.execute(sa.select(Invoice)).scalar_one()
    assert draft.total_cents > 50_000  # released above the cap after the exam
    page.goto(f"/invoicing/invoices/{draft.id}")
    assert "Vrijgegeven na het examen" in page.content()
    page.goto("/dashboard")
    due_by = add_months(booked_on, 4)
    due = page.locator("#final-invoices-due li")
    assert f"eindfactuur uiterlijk {_day(due_by)}" in due.inner_text()
    shots_at_widths(page, "finance-dashboard-deadline")
    frozen_now(datetime.combine(due_by + timedelta(days=1), time(10)))
    page.reload()
    assert "overdue" in (due.get_attribute("class") or "")
    assert due.evaluate("element => getComputedStyle(element).color") == "rgb(180, 35, 24)"  # red
