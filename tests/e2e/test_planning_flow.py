"""In the browser: a planner runs the group-session optimiser, reviews, publishes and pins."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlmodel import Session

from provider_portal.jobs.queue import run_pending
from provider_portal.models.enums import Role
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort
from tests.factories import PASSWORD, make_learner, make_provider, make_user


def test_a_planner_runs_reviews_publishes_and_pins(page, db: Session, engine) -> None:
    provider = make_provider(db)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    amina = make_learner(db, provider, first_name="Amina", last_name="Haddad", languages=("ar",))
    make_learner(db, provider, first_name="Semere", last_name="Tesfay", languages=("ti",))
    trainer = add_trainer(db, "Utrecht", "Fatima", "")
    start = date.today() + timedelta(days=30)
    for offset, module in enumerate(("KNM", "PVT", "MAP")):
        save_cohort(
            db,
            CohortData(
                "Utrecht",
                module,
                f"{module} Arabisch",
                "Wijkcentrum Overvecht",
                "ar",
                trainer.id,
                1,
                12,
                20000,
                start + timedelta(days=offset),
                3,
                time(10),
                time(12),
            ),
        )

    page.goto("/login")
    page.get_by_label("E-mailadres").fill(planner.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Groepsbijeenkomsten").click()
    page.get_by_label("Tijdslimiet (seconden)").fill("5")
    page.get_by_role("button", name="Run starten").click()
    assert page.locator("#run-progress").count() == 1  # queued: the progress bar and cancel button show

    assert run_pending(engine) == 1  # the jobs process picks it up
    page.reload()
    assert page.locator("#placed-count").inner_text() == "3"
    unplaced = page.locator("#unplaced").inner_text()
    assert "Semere Tesfay" in unplaced and "Tigrinya" in unplaced  # and why
    page.get_by_role("button", name="Dit plan publiceren").click()
    assert "gepubliceerd" in page.content()

    page.goto(f"/planning/learners/{amina.id}")
    assert "KNM Arabisch" in page.content()
    page.locator("#pin-KNM").click()
    assert page.locator("#pin-KNM").inner_text() == "Losmaken"  # pinned: the button now unpins
