"""A published run's letters and participant lists e-mailed through a real SMTP server (aiosmtpd on a
free local port): one message per recipient, recorded, never sent twice (double submit, a second
send, a job retried after its jobs process died), failures recorded per recipient and sent later."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import Session

from provider_portal.exams.calendar import plan_calendar
from provider_portal.jobs.queue import reap_stale, run_pending
from provider_portal.mail import runs as mail_runs
from provider_portal.mail.smtp import Mailer, SmtpConfigError, smtp_settings
from provider_portal.models import Cohort, ExamLocation, Job, PlanRun, RunMail
from provider_portal.models.enums import Role
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort
from provider_portal.planning.runs import publish, start_run
from tests.factories import make_learner, make_provider, make_ready, make_user
from tests.mail_server import SENDER, Inbox, free_port, point_at
from tests.pdfs import pdf_text
from tests.web import login, submit, text

PLAN_DATE = date(2026, 12, 1)
FIRST_TUESDAY = date(2027, 1, 5)


# --- a group-session run: learners' letters and the trainer's lists ---------------------------------

def _cohort(db: Session, trainer_id: int, module: str, day: date) -> int:
    cohort = save_cohort(db, CohortData(
        municipality="Utrecht", module=module, name=f"{module} Arabisch Utrecht", venue="Wijkcentrum Oost",
        language="ar", trainer_id=trainer_id, min_size=1, max_size=10, cost_cents=0, first_day=day,
        meetings=3, start_time=time(10), end_time=time(12)))
    db.commit()  # the caller of the service commits
    return int(cohort.id or 0)


@pytest.fixture()
def sessions(db: Session, engine, frozen_now) -> dict:  # type: ignore[no-untyped-def]
    frozen_now(datetime(2026, 12, 1, 9, 0))
    provider = make_provider(db)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",),
                        email="planner@utrecht.example")
    learners = {name: make_learner(db, provider, first_name=name, last_name="Cursist", route="B1",
                                   municipality="Utrecht", languages=("ar",), duo_term_start=date(2026, 6, 1),
                                   street_address="Lindelaan 1")
                for name in ("Amina", "Bilal", "Chadia")}
    for name in ("Amina", "Bilal"):  # Chadia has no log-in, so no address
        make_user(db, provider, role=Role.LEARNER, learner_id=learners[name].id,
                  email=f"{name.lower()}@cursist.example")
    trainer = add_trainer(db, "Utrecht", "Fatima Trainer", "fatima@trainer.example")
    db.commit()
    for i, module in enumerate(("KNM", "PVT", "MAP")):
        _cohort(db, trainer.id, module, FIRST_TUESDAY + timedelta(days=i))
    run = start_run(db, planner, ("Utrecht",), 5, PLAN_DATE)
    db.commit()
    assert run_pending(engine) == 1
    db.refresh(run)
    assert publish(db, run) == 9
    db.commit()
    return {"run": run, "planner": planner, "learners": learners, "trainer": trainer}


def _send(db: Session, run: PlanRun, engine) -> Job:  # type: ignore[no-untyped-def]
    job, queued = mail_runs.enqueue_run_mail(db, run, run.planner_id)
    db.commit()  # the caller's unit of work commits the queued job
    assert queued
    assert run_pending(engine) == 1
    db.expire_all()
    return db.get(Job, job.id)


def _rows(db: Session, run: PlanRun) -> dict[tuple[str, str], RunMail]:
    db.expire_all()
    found = db.execute(sa.select(RunMail).where(RunMail.run_id == run.id)).scalars().all()
    return {(r.kind, r.recipient_name): r for r in found}


def _pdfs(message: EmailMessage) -> list[tuple[str, bytes]]:
    return [(part.get_filename(), part.get_content()) for part in message.iter_attachments()]


def test_each_learner_gets_their_letter_and_the_trainer_the_lists_one_message_each(
        db, engine, sessions, smtp) -> None:
    job = _send(db, sessions["run"], engine)
    assert job.status == "succeeded", job.error
    assert job.result == {"sent": 3, "failed": 0, "no_address": 1, "already_sent": 0, "interrupted": 0}
    assert len(smtp.messages) == 3
    [amina] = smtp.to("amina@cursist.example")
    assert amina["Subject"].strip().startswith("Uitnodiging groepsbijeenkomsten inburgering")
    assert amina["From"] == SENDER and amina["Reply-To"] == "planner@utrecht.example"
    body = amina.get_body(("plain",)).get_content()
    assert "Beste Amina Cursist" in body and "Dear Amina Cursist" in body
    [(name, pdf)] = _pdfs(amina)
    assert name == "uitnodiging-groepsbijeenkomsten.pdf" and pdf.startswith(b"%PDF")
    letter = " ".join(pdf_text(pdf).split())
    for words in ("Uitnodiging groepsbijeenkomsten", "Kennis van de Nederlandse Maatschappij (KNM)",
                  "Participatieverklaringstraject (PVT)", "Wijkcentrum Oost", "Arabisch",
                  "dinsdag 5 januari 2027",
                  "Invitation to the civic integration group meetings", "Tuesday 5 January 2027"):
        assert words in letter, words
    assert sessions["learners"]["Amina"].bsn not in letter and sessions["learners"]["Amina"].bsn not in body
    [fatima] = smtp.to("fatima@trainer.example")
    assert fatima["Subject"].strip().startswith("Deelnemerslijsten ")
    lists = _pdfs(fatima)
    assert len(lists) == 3 and all(data.startswith(b"%PDF") for _, data in lists)
    assert [n for n, _ in lists] == [f"deelnemers-{m}-{i}.pdf" for m, i in sorted(
        (c.module, c.id) for c in db.execute(sa.select(Cohort)).scalars())]
    first_list = " ".join(pdf_text(lists[0][1]).split())
    assert all(f"Cursist, {n}" in first_list for n in ("Amina", "Bilal", "Chadia"))
    rows = _rows(db, sessions["run"])
    assert {key: r.status for key, r in rows.items()} == {
        ("learner_letter", "Amina Cursist"): "sent", ("learner_letter", "Bilal Cursist"): "sent",
        ("learner_letter", "Chadia Cursist"): "no_address", ("trainer_list", "Fatima Trainer"): "sent"}
    sent = rows[("learner_letter", "Amina Cursist")]
    assert sent.address == "amina@cursist.example" and sent.sent_at is not None and sent.error is None
    assert sent.subject == amina["Subject"].strip()


def test_a_second_send_sends_nothing_twice_and_reaches_a_learner_who_got_an_address(
        db, engine, sessions, smtp) -> None:
    _send(db, sessions["run"], engine)
    make_user(db, None, role=Role.LEARNER, learner_id=sessions["learners"]["Chadia"].id,
              email="chadia@cursist.example", provider_id=sessions["learners"]["Chadia"].provider_id)
    job = _send(db, sessions["run"], engine)
    assert job.result == {"sent": 1, "failed": 0, "no_address": 0, "already_sent": 3, "interrupted": 0}
    assert sorted(r[0] for r, _ in smtp.messages) == [
        "amina@cursist.example", "bilal@cursist.example", "chadia@cursist.example", "fatima@trainer.example"]


def test_a_refused_address_is_recorded_and_sent_by_the_next_send(db, engine, sessions, smtp) -> None:
    smtp.refuse.add("bilal@cursist.example")
    job = _send(db, sessions["run"], engine)
    assert job.result["sent"] == 2 and job.result["failed"] == 1
    bilal = _rows(db, sessions["run"])[("learner_letter", "Bilal Cursist")]
    assert bilal.status == "failed" and bilal.error.startswith("refused: 550") and bilal.sent_at is None
    smtp.refuse.clear()
    job = _send(db, sessions["run"], engine)
    assert job.result == {"sent": 1, "failed": 0, "no_address": 1, "already_sent": 2, "interrupted": 0}
    bilal = _rows(db, sessions["run"])[("learner_letter", "Bilal Cursist")]
    assert bilal.status == "sent" and bilal.error is None and bilal.attempts == 2
    assert len(smtp.to("bilal@cursist.example")) == 1 and len(smtp.messages) == 3


def test_a_server_that_is_down_fails_each_recipient_and_a_later_send_delivers(
        app, db, engine, sessions, smtp, monkeypatch) -> None:
    working = int(app.config["SMTP"].port)
    point_at(app, monkeypatch, free_port())  # nobody listens there
    job = _send(db, sessions["run"], engine)
    assert job.status == "succeeded" and job.result["failed"] == 3
    rows = _rows(db, sessions["run"])
    assert all(r.error.startswith("unreachable: ") for r in rows.values() if r.status == "failed")
    assert not smtp.messages
    point_at(app, monkeypatch, working)
    job = _send(db, sessions["run"], engine)
    assert job.result["sent"] == 3 and len(smtp.messages) == 3


class Crash(BaseException):
    """The jobs process dying: not an Exception, so no handler records it."""


def test_a_job_retried_after_its_process_died_never_sends_a_message_twice(
        db, engine, sessions, smtp, monkeypatch) -> None:
    real_send = Mailer.send
    calls = {"n": 0}

    def dies_after_the_second(self, message):  # type: ignore[no-untyped-def]
        outcome = real_send(self, message)  # the server has the message ...
        calls["n"] += 1
        if calls["n"] == 2:
            raise Crash()  # ... and the process dies before it is recorded
        return outcome

    monkeypatch.setattr(Mailer, "send", dies_after_the_second)
    job, _ = mail_runs.enqueue_run_mail(db, sessions["run"], sessions["planner"].id)
    db.commit()
    with pytest.raises(Crash):
        run_pending(engine)
    assert len(smtp.messages) == 2
    monkeypatch.setattr(Mailer, "send", real_send)
    db.execute(sa.update(Job).where(Job.id == job.id).values(heartbeat_at=datetime(2026, 1, 1, tzinfo=UTC)))
    db.commit()
    assert reap_stale(engine, timedelta(seconds=60), 3) == (1, 0)  # idempotent kind: queued again
    assert run_pending(engine) == 1
    db.expire_all()
    retried = db.get(Job, job.id)
    assert retried.status == "succeeded" and retried.attempts == 2
    assert retried.result == {"sent": 1, "failed": 0, "no_address": 1, "already_sent": 1, "interrupted": 1}
    recipients = [rcpt[0] for rcpt, _ in smtp.messages]
    assert len(recipients) == len(set(recipients)) == 3  # everyone once, nobody twice
    statuses = sorted(r.status for r in _rows(db, sessions["run"]).values())
    assert statuses == ["interrupted", "no_address", "sent", "sent"]


def test_the_planner_confirms_a_double_submit_queues_one_job_and_sees_the_list_in_dutch(
        client, db, engine, sessions, smtp) -> None:
    run = sessions["run"]
    login(client, sessions["planner"].email)
    page = f"/planning/runs/{run.id}"
    action = f"/planning/runs/{run.id}/mail"
    asked = submit(client, page, {}, action=action)
    assert asked.status_code == 200
    html = text(asked)
    assert "3 inburgeraars krijgen hun uitnodigingsbrief per e-mail" in html
    assert "1 trainer krijgt de deelnemerslijsten" in html
    assert db.execute(sa.select(sa.func.count()).select_from(Job).where(Job.kind == "mail.run")).scalar() == 0
    first = submit(client, page, {"confirm": "1"}, action=action)
    second = submit(client, page, {"confirm": "1"}, action=action)  # the double click
    assert first.status_code == second.status_code == 302
    assert db.execute(sa.select(sa.func.count()).select_from(Job).where(Job.kind == "mail.run")).scalar() == 1
    assert "wordt al verstuurd" in text(client.get(page))
    assert run_pending(engine) == 1
    assert submit(client, page, {"confirm": "1"}, action=action).status_code == 302  # later, again
    asked_again = text(submit(client, page, {}, action=action))
    assert "3 berichten zijn eerder verstuurd" in asked_again
    assert run_pending(engine) == 1
    assert len(smtp.messages) == 3  # the three with an address, once each
    html = text(client.get(page))
    assert html.count('class="mail-row"') == 4
    assert "Niet verstuurd: geen adres" in html and "Uitnodigingsbrief" in html and "Deelnemerslijst" in html
    assert "Verstuurd: 3" in html
    assert "Invitation" not in html and "Participant" not in html  # the e-mails are bilingual, the page Dutch


def test_without_smtp_the_button_says_email_is_not_set_up_and_nothing_is_queued(
        app, client, db, engine, sessions, monkeypatch) -> None:
    app.config["SMTP"] = None
    monkeypatch.delenv("SMTP_HOST", raising=False)
    run = sessions["run"]
    login(client, sessions["planner"].email)
    html = text(client.get(f"/planning/runs/{run.id}"))
    assert "E-mail is niet ingesteld voor deze portal" in html
    assert re.search(r'<button[^>]*id="mail-send"[^>]* disabled>', html)
    response = submit(client, f"/planning/runs/{run.id}", {"confirm": "1"},
                      action=f"/planning/runs/{run.id}/mail")
    assert response.status_code == 302
    assert db.execute(sa.select(sa.func.count()).select_from(Job)
                      .where(Job.kind == "mail.run")).scalar() == 0
    job, _ = mail_runs.enqueue_run_mail(db, run, run.planner_id)  # queued before the setting went away
    db.commit()
    run_pending(engine)
    db.expire_all()
    assert db.get(Job, job.id).status == "failed"
    assert "E-mail is niet ingesteld (SMTP_HOST)" in text(client.get(f"/planning/runs/{run.id}"))
    assert not db.execute(sa.select(RunMail)).first()


def test_another_planner_cannot_send_or_see_a_runs_mail(client, db, engine, sessions, smtp) -> None:
    _send(db, sessions["run"], engine)
    other = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    login(client, other.email)
    assert client.get(f"/planning/runs/{sessions['run'].id}").status_code == 404
    response = submit(client, "/planning/runs/", {"confirm": "1"},
                      action=f"/planning/runs/{sessions['run'].id}/mail")
    assert response.status_code == 404
    assert len(smtp.messages) == 3


# --- an exam run: the learners' exam invitations -----------------------------------------------------

@pytest.fixture()
def exams(db: Session, engine, frozen_now) -> dict:  # type: ignore[no-untyped-def]
    frozen_now(datetime(2026, 12, 1, 9, 0))
    place = ExamLocation(code="amsterdam", name="DUO Amsterdam", lat=52.3889, lon=4.8380, facilities=[],
                         address="Wibautstraat 3, 1091 GH Amsterdam")
    db.add(place)
    db.commit()
    plan_calendar(db, place, date(2027, 1, 11), date(2027, 2, 26), {1, 3}, seats=2, examiners=0)
    db.commit()
    provider = make_provider(db, phone="030 123 45 67", email="info@taalschool.example")
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    learners = [make_learner(db, provider, first_name=first, last_name="Kandidaat", municipality="Utrecht",
                             postcode="3512AB", street_address="Lindelaan 1") for first in ("Dawit", "Elif")]
    for learner in learners:
        make_ready(db, learner, date(2026, 11, 20))
    make_user(db, provider, role=Role.LEARNER, learner_id=learners[0].id, email="dawit@cursist.example")
    run = start_run(db, planner, ("Utrecht",), 5, PLAN_DATE, kind="exams")
    db.commit()
    assert run_pending(engine) == 1
    db.refresh(run)
    publish(db, run)
    db.commit()
    return {"run": run, "learners": learners, "planner": planner}


def test_an_exam_run_mails_each_learner_their_exam_invitation(client, db, engine, exams, smtp) -> None:
    job = _send(db, exams["run"], engine)
    assert job.result == {"sent": 1, "failed": 0, "no_address": 1, "already_sent": 0, "interrupted": 0}
    [(rcpt, message)] = smtp.messages
    assert rcpt == ["dawit@cursist.example"]
    subject = "Uitnodiging inburgeringsexamen / Invitation to the civic integration exam"
    assert message["Subject"].strip() == subject
    assert message["Reply-To"] == "info@taalschool.example"
    [(name, pdf)] = _pdfs(message)
    letter = " ".join(pdf_text(pdf).split())
    assert name == "uitnodiging-examen.pdf" and "Beste Dawit Kandidaat" in letter and "Dear Dawit" in letter
    assert "Wibautstraat 3" in letter and "Elif" not in letter
    assert exams["learners"][0].bsn not in message.as_string() and exams["learners"][0].bsn not in letter
    rows = _rows(db, exams["run"])
    assert {k: r.status for k, r in rows.items()} == {("learner_letter", "Dawit Kandidaat"): "sent",
                                                     ("learner_letter", "Elif Kandidaat"): "no_address"}
    login(client, exams["planner"].email)
    html = text(client.get(f"/planning/runs/{exams['run'].id}"))
    assert "E-mail aan inburgeraars" in html and html.count('class="mail-row"') == 2
    assert "Dawit Kandidaat" in html and "Niet verstuurd: geen adres" in html
    job_page = text(client.get(f"/jobs/{job.id}"))
    assert "E-mail van planningsronde" in job_page and "Verstuurd" in job_page and "mail.run" not in job_page


# --- the settings and the log-in at the server -------------------------------------------------------

def test_smtp_settings_are_off_without_a_host_and_name_the_variable_in_error() -> None:
    assert smtp_settings({}) is None
    ok = smtp_settings({"SMTP_HOST": "mail.example", "SMTP_FROM": SENDER, "SMTP_USER": "u",
                        "SMTP_PASSWORD": "geheim-wachtwoord"})
    assert ok is not None and ok.port == 587 and ok.security == "starttls"
    assert "geheim-wachtwoord" not in repr(ok)
    assert smtp_settings({"SMTP_HOST": "m", "SMTP_FROM": SENDER, "SMTP_SECURITY": "ssl"}).port == 465
    for env, variable in (({"SMTP_HOST": "m"}, "SMTP_FROM"),
                          ({"SMTP_HOST": "m", "SMTP_FROM": SENDER, "SMTP_PORT": "smtp"}, "SMTP_PORT"),
                          ({"SMTP_HOST": "m", "SMTP_FROM": SENDER, "SMTP_SECURITY": "tls1"}, "SMTP_SECURITY"),
                          ({"SMTP_HOST": "m", "SMTP_FROM": SENDER, "SMTP_PASSWORD": "x"}, "SMTP_USER"),
                          ({"SMTP_HOST": "m", "SMTP_FROM": SENDER, "SMTP_TIMEOUT": "0"}, "SMTP_TIMEOUT")):
        with pytest.raises(SmtpConfigError, match=variable):
            smtp_settings(env)


def test_the_mailer_logs_in_and_a_wrong_password_is_recorded_as_a_refused_log_in() -> None:
    inbox = Inbox()

    def authenticator(server, session, envelope, mechanism, data):  # type: ignore[no-untyped-def]
        ok = isinstance(data, LoginPassword) and data.login == b"planner" and data.password == b"juist"
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535 itself

    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        base = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port), "SMTP_SECURITY": "none",
                "SMTP_FROM": SENDER, "SMTP_USER": "planner", "SMTP_TIMEOUT": "5"}
        message = EmailMessage()
        message["To"], message["Subject"] = "x@cursist.example", "Test"
        message.set_content("Hallo")
        with Mailer(smtp_settings({**base, "SMTP_PASSWORD": "fout"})) as mailer:
            outcome = mailer.send(message)
            assert not outcome.sent and outcome.error.startswith("login: 535")
            assert mailer.send(message).error == outcome.error  # the rest are not each kept waiting
        with Mailer(smtp_settings({**base, "SMTP_PASSWORD": "juist"})) as mailer:
            assert mailer.send(message).sent
        assert [rcpt for rcpt, _ in inbox.messages] == [["x@cursist.example"]]
    finally:
        controller.stop()
