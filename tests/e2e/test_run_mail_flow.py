"""In the browser: a planner e-mails a published group-session run's letters and lists (after the
confirmation step), the jobs process sends them through a real SMTP server, and the run page lists
what was sent, at desktop width and on a phone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from provider_portal.jobs.queue import run_pending
from provider_portal.models.enums import Role
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort
from provider_portal.planning.runs import publish, start_run
from tests.e2e.helpers import fits, log_in, shot
from tests.factories import make_learner, make_provider, make_user


def test_the_planner_confirms_the_email_and_sees_what_was_sent(
        page, db: Session, engine, smtp, frozen_now) -> None:
    frozen_now(datetime(2026, 12, 1, 9, 0))
    provider = make_provider(db)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    for first in ("Amina", "Bilal"):
        learner = make_learner(db, provider, first_name=first, last_name="Cursist", route="B1",
                               municipality="Utrecht", languages=("ar",), duo_term_start=date(2026, 6, 1))
        if first == "Amina":  # Bilal has no log-in, so no address
            make_user(db, provider, role=Role.LEARNER, learner_id=learner.id, email="amina@cursist.example")
    trainer = add_trainer(db, "Utrecht", "Fatima Trainer", "fatima@trainer.example")
    db.commit()
    for i, module in enumerate(("KNM", "PVT", "MAP")):
        save_cohort(db, CohortData(
            municipality="Utrecht", module=module, name=f"{module} Arabisch Utrecht",
            venue="Wijkcentrum Oost", language="ar", trainer_id=trainer.id, min_size=1, max_size=10,
            cost_cents=0, first_day=date(2027, 1, 5) + timedelta(days=i), meetings=3, start_time=time(10),
            end_time=time(12)))
        db.commit()
    run = start_run(db, planner, ("Utrecht",), 5, date(2026, 12, 1))
    db.commit()
    assert run_pending(engine) == 1
    db.refresh(run)
    publish(db, run)
    db.commit()

    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, planner.email)
    page.goto(f"/planning/runs/{run.id}#mail")
    page.locator("#mail-send").click()
    assert "De brieven en lijsten van planningsronde" in page.locator("#confirm-step h1").inner_text()
    assert "2 inburgeraars krijgen hun uitnodigingsbrief" in page.locator("#confirm-what").inner_text()
    shot(page, "mail-confirm-1366")
    page.get_by_role("button", name="Ja, versturen").click()
    assert "staat in de wachtrij" in page.locator(".flash-success").inner_text()
    assert page.locator("#mail-send").is_disabled()  # while the send is queued: no second one

    assert run_pending(engine) == 1  # the jobs process
    page.reload()
    rows = page.locator("#mail-list tbody tr")
    assert rows.count() == 3
    listed = page.locator("#mail-list").inner_text()
    assert "Amina Cursist" in listed and "Verstuurd" in listed and "amina@cursist.example" in listed
    assert "Bilal Cursist" in listed and "Niet verstuurd: geen adres" in listed
    assert "Fatima Trainer" in listed and "Deelnemerslijst" in listed
    assert sorted(rcpt[0] for rcpt, _ in smtp.messages) == ["amina@cursist.example", "fatima@trainer.example"]
    page.locator("#mail").scroll_into_view_if_needed()
    shot(page, "mail-sent-1366")
    shot(page, "run-mail-1366", part="#mail")
    assert fits(page)

    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    assert fits(page)
    shot(page, "mail-sent-390")
    shot(page, "run-mail-390", part="#mail")
    page.locator("#mail-send").click()
    assert "2 berichten zijn eerder verstuurd" in page.locator("#confirm-step").inner_text()
    assert fits(page)
    shot(page, "mail-confirm-390")
