"""In the browser: a planner runs the group-session optimiser, reviews, publishes and pins."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from playwright.sync_api import expect
from sqlmodel import Session

from provider_portal.jobs.queue import run_pending
from provider_portal.models.enums import Role
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort
from tests.e2e.helpers import log_in
from tests.factories import make_learner, make_provider, make_user

# A fixed day, so the run never meets a holiday or a weekend whatever day the suite runs: the
# portal's clock is frozen on a Monday and the cohorts start on the Monday to Wednesday four
# weeks later, inside the learners' weekday availability and clear of Dutch public holidays.
TODAY = date(2027, 2, 1)


def test_a_planner_runs_reviews_publishes_and_pins(page, db: Session, engine, frozen_now) -> None:
    frozen_now(datetime.combine(TODAY, time(9)))
    provider = make_provider(db)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    amina = make_learner(db, provider, first_name="Amina", last_name="Haddad", languages=("ar",),
                         place="Vleuten")  # her home is in Vleuten, 7 km west of Utrecht's centre
    make_learner(db, provider, first_name="Semere", last_name="Tesfay", languages=("ti",))
    trainer = add_trainer(db, "Utrecht", "Fatima", "")
    db.commit()
    start = TODAY + timedelta(weeks=4)
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
    db.commit()

    log_in(page, planner.email)
    page.get_by_role("link", name="Groepsbijeenkomsten").click()
    page.get_by_label("Tijdslimiet (seconden)").fill("5")
    page.get_by_role("button", name="Planningsronde starten").click()
    assert page.locator("#run-progress").count() == 1  # queued: the progress bar and cancel button show

    assert run_pending(engine) == 1  # the jobs process picks it up
    page.reload()
    assert page.locator("#placed-count").inner_text() == "3"
    assert ("vanaf de woonplaats voor 1 inburgeraars en vanaf het centrum van de gemeente voor 1"
            in page.locator("#home-levels").inner_text())
    page.locator("details", has_text="Wijkcentrum Overvecht").first.locator("summary").click()
    assert "Amina Haddad · 7,4 km" in page.locator("main").inner_text()  # real travel, not 0,0 km
    page.goto("/planning/runs/")  # the list of runs shows the finished run's counts
    assert "3 geplaatst, 3 niet geplaatst" in page.locator("table.list").inner_text()
    page.go_back()
    assert "Geen cohort in de taal van de inburgeraar" in page.locator("#unplaced-reasons").inner_text()
    page.locator("#unplaced-details summary").click()  # who, and why, folds open
    unplaced = page.locator("#unplaced").inner_text()
    assert "Semere Tesfay" in unplaced and "Tigrinya" in unplaced  # and why
    page.get_by_role("button", name="Dit plan publiceren").click()
    assert "3 plaatsingen worden het gepubliceerde plan" in page.locator("#confirm-what").inner_text()
    page.get_by_role("button", name="Ja, publiceren").click()
    expect(page.locator("body")).to_contain_text("gepubliceerd")

    page.goto(f"/planning/learners/{amina.id}")
    assert "KNM Arabisch" in page.content()
    page.locator("#pin-KNM").click()
    assert page.locator("#pin-KNM").inner_text() == "Losmaken"  # pinned: the button now unpins
