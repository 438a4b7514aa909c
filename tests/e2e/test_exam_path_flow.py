"""In the browser (issue 12): a teacher declares a learner exam-ready, the planner sees it, the
provider imports DUO's results with the last component passed, finance's next draft releases the
whole open amount above the cap and the dashboard shows the final invoice's deadline."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.jobs.queue import run_pending
from provider_portal.models import CapSetting, Invoice
from provider_portal.models.enums import Role
from tests.factories import (
    PASSWORD,
    make_class,
    make_contract,
    make_enrolment,
    make_learner,
    make_provider,
    make_user,
)
from tests.invoicing_factories import attend_all

SHOTS = Path("/tmp/h12a_shots")
RESULTS = "\n".join([
    "bsn;onderdeel;examendatum;niveau;uitslag;poging",
    "111222333;lezen;2026-02-16;B1;geslaagd;1",
    "111222333;luisteren;2026-02-16;B1;geslaagd;1",
    "111222333;schrijven;2026-02-16;B1;geslaagd;1",
    "111222333;KNM;2026-02-16;B1;geslaagd;1",
    "111222333;spreken;2026-03-16;B1;geslaagd;1",
]) + "\n"


def _login(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def _logout(page) -> None:
    page.context.clear_cookies()


def test_one_learner_from_exam_ready_to_the_released_final_draft_and_its_deadline(
    page, db: Session, engine, frozen_now, tmp_path
) -> None:
    frozen_now(datetime(2026, 3, 2, 10))
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    finance = make_user(db, provider, role=Role.FINANCE)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    course = make_class(db, provider, teachers=(teacher,))
    amina = make_learner(db, provider, first_name="Amina", last_name="Haddad", bsn="111222333",
                         municipality="Utrecht")
    make_contract(db, amina, hourly_rate_cents=1450, total_price_cents=870_000)
    make_enrolment(db, course, amina)
    attend_all(db, course, amina)
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    db.commit()

    _login(page, teacher.email)
    page.goto(f"/learners/{amina.id}")
    page.locator("#mark-ready").click()
    page.get_by_label("Onderdeel").select_option("spreken")
    page.get_by_label("Examenklaar sinds").fill("2026-03-02")
    page.get_by_label("Niveau").select_option("B1")
    page.get_by_role("button", name="Examenklaar melden").click()
    ready = page.locator('#exam-components tr[data-component="spreken"] td.ready')
    assert ready.inner_text() == "sinds 2 mrt 2026, niveau B1"
    _logout(page)

    _login(page, planner.email)
    page.goto("/planning/learners")
    assert "spreken sinds 2 mrt 2026" in page.locator("td.exam-ready").first.inner_text()
    page.get_by_role("link", name="Haddad, Amina").click()
    assert page.locator('#exam-components tr[data-component="spreken"] td.ready').inner_text() \
        == "sinds 2 mrt 2026, niveau B1"
    _logout(page)

    frozen_now(datetime(2026, 3, 25, 10))
    upload = tmp_path / "duo-uitslagen.csv"
    upload.write_text(RESULTS, encoding="utf-8")
    _login(page, admin.email)
    page.goto("/transfer/import")
    page.get_by_label("Inhoud van het bestand").select_option("results")
    page.get_by_label("Bestand (.csv of .xlsx)").set_input_files(str(upload))
    page.get_by_role("button", name="Controleren en importeren").click()
    assert "5 rijen zijn geïmporteerd" in page.content()
    page.goto(f"/learners/{amina.id}")
    state = page.locator("#obligation-state").inner_text()
    assert state.startswith("Inburgeringsplicht voldaan op 16 mrt 2026")
    _logout(page)

    frozen_now(datetime(2026, 4, 2, 10))
    _login(page, finance.email)
    page.goto("/invoicing/?quarter=2026-Q1")
    page.locator("#run-drafts button").click()
    assert run_pending(engine) == 1  # the jobs process
    db.expire_all()
    draft = db.execute(sa.select(Invoice)).scalar_one()
    assert draft.total_cents > 50_000  # released above the cap after the exam
    page.goto(f"/invoicing/invoices/{draft.id}")
    assert "Vrijgegeven na het examen" in page.content()
    page.goto("/dashboard")
    due = page.locator("#final-invoices-due li")
    assert "eindfactuur uiterlijk 16 jul 2026" in due.inner_text()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "e2e-dashboard-deadline.png"), full_page=True)
    frozen_now(datetime(2026, 7, 20, 10))
    page.reload()
    assert "overdue" in (due.get_attribute("class") or "")
    assert due.evaluate("element => getComputedStyle(element).color") == "rgb(180, 35, 24)"  # red
