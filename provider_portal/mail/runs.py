"""A published run's letters and participant lists by e-mail, sent in the jobs process ("mail.run").

From an exam run each learner gets their invitation letter; from a group-session run each learner
gets theirs and each trainer the participant lists of their cohorts. One message per recipient,
with the letter or the lists as PDF attachments and a body in Dutch followed by English.

Sending is idempotent. Every (run, kind, recipient) has one `run_mail` row (a unique key). The job
claims a row with a conditional update (pending or failed -> sending) and commits before it talks
to the mail server, then records sent or failed: a double click queues one job (the job's
`active_key` is the run), a second job later finds the sent rows and skips them, and only failed
ones are sent again. A row still `sending` when a job starts was being sent when an earlier attempt
lost its jobs process; perhaps it arrived, so it becomes `interrupted` and is not sent again by
itself (every message also carries a Message-ID made of run, kind and recipient, so a mail program
that gets it twice can tell). Learners without an e-mail address (the address of their portal
log-in) are recorded as `no_address`, and sent to by a later send once they have one.

Nothing here logs an address, a name or a BSN; the letters carry no BSN.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from functools import partial
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from provider_portal import clock
from provider_portal.db import savepoint, unit_of_work
from provider_portal.exams.letters import Letter, letters_for, letters_pdf, run_learner_ids
from provider_portal.jobs.context import JobContext, JobRefused
from provider_portal.jobs.queue import AlreadyActive, enqueue
from provider_portal.jobs.registry import job_handler
from provider_portal.mail.smtp import Mailer, SmtpSettings, smtp_settings
from provider_portal.models import Cohort, Job, Placement, PlanRun, RunMail, Trainer, User
from provider_portal.models.enums import Role
from provider_portal.models.types import utcnow
from provider_portal.planning.exports import cohort_participants_pdf
from provider_portal.planning.letters import SessionLetter, session_letters_for, session_letters_pdf

log = logging.getLogger(__name__)

KIND = "mail.run"
LEARNER_LETTER, TRAINER_LIST = "learner_letter", "trainer_list"
PENDING, SENDING, SENT, FAILED, NO_ADDRESS, INTERRUPTED = (
    "pending", "sending", "sent", "failed", "no_address", "interrupted")
TO_SEND = (PENDING, FAILED)
# Stored in English in `job.error`; jobs/describe.py shows them translated.
NOT_SET_UP = "E-mail is not set up (SMTP_HOST); nothing was sent."
NOT_PUBLISHED = "The run is not published; nothing was sent."
INTERRUPTED_ERROR = "interrupted: the jobs process stopped while this message was being sent"


def active_key(run_id: int) -> str:
    """One queued or running send per run (Job.active_key)."""
    return f"{KIND}:{run_id}"


def enqueue_run_mail(session: Session, run: PlanRun, user_id: int | None) -> tuple[Job, bool]:
    """Queue the run's e-mail; returns (job, queued now). While a send of this run is queued or
    running (a double click, two tabs) that job is returned and nothing new is queued."""
    try:
        job = enqueue(session, KIND, params={"run_id": run.id}, created_by_id=user_id,
                      active_key=active_key(int(run.id or 0)))
    except AlreadyActive as exc:
        return exc.job, False
    return job, True


@dataclass(frozen=True)
class Outgoing:
    """One message to build and send (the attachments are made only when it is sent)."""

    kind: str
    recipient_id: int
    name: str
    address: str
    subject: str
    body: str
    reply_to: str
    attachments: Callable[[Session], list[tuple[str, bytes]]]  # read in the session given when sent


EXAM_SUBJECT = "Uitnodiging inburgeringsexamen / Invitation to the civic integration exam"
SESSION_SUBJECT = ("Uitnodiging groepsbijeenkomsten inburgering / "
                   "Invitation to the civic integration group meetings")
LEARNER_BODY = """Beste {name},

In de bijlage vindt u uw uitnodiging {what_nl}: waar en wanneer u wordt verwacht en wat u meeneemt. \
Lees de brief goed; de brief staat ook in het Engels in de bijlage.

Kunt u niet komen of heeft u een vraag? Neem zo snel mogelijk contact op met {sender}{how_nl}.

Met vriendelijke groet,
{sender}

-- English --

Dear {name},

Attached is your invitation {what_en}: where and when you are expected and what to bring. \
Please read the letter carefully; it is in English too.

Cannot come, or a question? Contact {sender}{how_en} as soon as possible.

Kind regards,
{sender}
"""
TRAINER_BODY = """Beste {name},

In de bijlage vindt u de deelnemerslijst van {cohorts}, zoals het gepubliceerde plan die nu indeelt: \
naam, gemeente, postcode en route van elke deelnemer, en een kolom voor de paraaf.

Vragen over de indeling? Neem contact op met {sender}{how_nl}.

Met vriendelijke groet,
{sender}

-- English --

Dear {name},

Attached is the participant list of {cohorts}, as the published plan places them now: each \
participant's name, municipality, postcode and route, and a column for their initials.

Questions about the groups? Contact {sender}{how_en}.

Kind regards,
{sender}
"""


def _how(email: str, lang: str) -> str:
    if not email:
        return ""
    return f" via {email}" if lang == "nl" else f" at {email}"


def learner_addresses(session: Session, learner_ids: list[int]) -> dict[int, str]:
    """The e-mail address of each learner's (active) portal log-in, where they have one."""
    rows = session.execute(sa.select(col(User.learner_id), col(User.email)).where(
        col(User.role) == Role.LEARNER, col(User.active).is_(True),
        col(User.learner_id).in_(learner_ids or [-1]))
        .order_by(col(User.id))).all()
    return {int(lid): str(email) for lid, email in rows if email}


def _exam_messages(session: Session, run: PlanRun, made_on: date) -> list[Outgoing]:
    letters = letters_for(session, run_learner_ids(run))
    addresses = learner_addresses(session, [x.learner_id for x in letters])
    out = []
    for letter in letters:
        sender = letter.sender
        body = LEARNER_BODY.format(name=letter.name, sender=sender.name,
                                   what_nl="voor het inburgeringsexamen",
                                   what_en="to the civic integration exam",
                                   how_nl=_how(sender.email, "nl"), how_en=_how(sender.email, "en"))
        out.append(Outgoing(
            LEARNER_LETTER, letter.learner_id, letter.name, addresses.get(letter.learner_id, ""),
            EXAM_SUBJECT, body, sender.email, partial(_exam_letter, letter, made_on)))
    return out


def _exam_letter(letter: Letter, made_on: date, _session: Session) -> list[tuple[str, bytes]]:
    return [("uitnodiging-examen.pdf", letters_pdf([letter], made_on, "Uitnodiging inburgeringsexamen"))]


def _session_learner_ids(session: Session, run: PlanRun) -> list[int]:
    """The run's learners that have a published placement now."""
    ids = run_learner_ids(run)
    return sorted(set(session.execute(sa.select(col(Placement.learner_id))
                                      .where(col(Placement.learner_id).in_(ids or [-1]))).scalars()))


def _session_messages(session: Session, run: PlanRun, made_on: date) -> list[Outgoing]:
    planner = session.execute(sa.select(User).where(col(User.id) == run.planner_id)).scalar_one()
    contact = planner.email
    ids = _session_learner_ids(session, run)
    letters = session_letters_for(session, ids, contact)
    addresses = learner_addresses(session, ids)
    out = []
    for letter in letters:
        body = LEARNER_BODY.format(name=letter.name, sender=letter.sender.name,
                                   what_nl="voor de groepsbijeenkomsten (KNM, PVT of MAP)",
                                   what_en="to the group meetings (KNM, PVT or MAP)",
                                   how_nl=_how(contact, "nl"), how_en=_how(contact, "en"))
        out.append(Outgoing(
            LEARNER_LETTER, letter.learner_id, letter.name, addresses.get(letter.learner_id, ""),
            SESSION_SUBJECT, body, contact, partial(_session_letter, letter, made_on)))
    placed = sa.select(col(Placement.cohort_id)).where(col(Placement.learner_id).in_(ids or [-1]))
    cohorts = session.execute(sa.select(Cohort).where(col(Cohort.id).in_(placed))
                              .order_by(col(Cohort.module), col(Cohort.name))).scalars().all()
    by_trainer: dict[int, list[Cohort]] = {}
    for cohort in cohorts:
        by_trainer.setdefault(cohort.trainer_id, []).append(cohort)
    trainers = {t.id: t for t in session.execute(
        sa.select(Trainer).where(col(Trainer.id).in_(list(by_trainer)))).scalars()}
    for trainer_id, own in sorted(by_trainer.items()):
        trainer = trainers[trainer_id]
        names = ", ".join(c.name for c in own)
        plural = len(own) > 1
        subject = (f"Deelnemerslijst{'en' if plural else ''} {names} / "
                   f"Participant list{'s' if plural else ''}")[:300]
        body = TRAINER_BODY.format(name=trainer.name, cohorts=names, sender=f"Gemeente {own[0].municipality}",
                                   how_nl=_how(contact, "nl"), how_en=_how(contact, "en"))
        out.append(Outgoing(
            TRAINER_LIST, int(trainer_id), trainer.name, trainer.email.strip(), subject, body, contact,
            partial(_participant_lists, own)))
    return out


def _session_letter(letter: SessionLetter, made_on: date, _session: Session) -> list[tuple[str, bytes]]:
    return [("uitnodiging-groepsbijeenkomsten.pdf",
             session_letters_pdf([letter], made_on, "Uitnodiging groepsbijeenkomsten"))]


def _participant_lists(cohorts: list[Cohort], session: Session) -> list[tuple[str, bytes]]:
    return [(f"deelnemers-{c.module}-{c.id}.pdf", cohort_participants_pdf(session, c)) for c in cohorts]


def run_messages(session: Session, run: PlanRun, made_on: date) -> list[Outgoing]:
    """Every message the run sends, learners first (by name), then trainers."""
    if run.kind == "exams":
        return _exam_messages(session, run, made_on)
    return _session_messages(session, run, made_on)


def build_message(session: Session, settings: SmtpSettings, run_id: int, item: Outgoing) -> EmailMessage:
    """The message of `item`, its attachments read in `session`."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = formataddr((item.name, item.address))
    if item.reply_to:
        message["Reply-To"] = item.reply_to
    message["Subject"] = item.subject
    message["Date"] = formatdate(clock.now().timestamp(), localtime=False)
    message["Message-ID"] = f"<run-{run_id}.{item.kind}.{item.recipient_id}@{settings.domain}>"
    message["Content-Language"] = "nl, en"
    message.set_content(item.body)
    for filename, data in item.attachments(session):
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return message


def _record_recipients(session: Session, run_id: int,
                       messages: list[Outgoing]) -> dict[tuple[str, int], RunMail]:
    """One row per message (new ones pending, or no_address); returns them by (kind, recipient)."""
    rows = {(r.kind, r.recipient_id): r for r in session.execute(
        sa.select(RunMail).where(col(RunMail.run_id) == run_id)).scalars()}
    now = utcnow()
    for item in messages:
        status = PENDING if item.address else NO_ADDRESS
        row = rows.get((item.kind, item.recipient_id))
        if row is None:
            row = RunMail(run_id=run_id, kind=item.kind, recipient_id=item.recipient_id,
                          recipient_name=item.name[:200], address=item.address[:254], subject=item.subject,
                          status=status, created_at=now, updated_at=now)
            session.add(row)
            rows[(item.kind, item.recipient_id)] = row
        elif row.status in (PENDING, FAILED, NO_ADDRESS):  # the address may have come or changed
            row.address, row.subject, row.recipient_name = item.address[:254], item.subject, item.name[:200]
            if row.status == NO_ADDRESS and item.address:
                row.status, row.error = PENDING, None
            elif not item.address:
                row.status = NO_ADDRESS
            row.updated_at = now
    session.flush()
    return rows


def _claim(ctx: JobContext, row_id: int) -> bool:
    """pending/failed -> sending, committed before the server is asked; False when another took it."""
    with unit_of_work(ctx.engine) as session:
        claimed = session.execute(
            sa.update(RunMail).where(col(RunMail.id) == row_id, col(RunMail.status).in_(TO_SEND))
            .values(status=SENDING, attempts=col(RunMail.attempts) + 1, updated_at=utcnow()))
    return cast(CursorResult[Any], claimed).rowcount == 1


def _finish(ctx: JobContext, row_id: int, error: str) -> None:
    values: dict[str, Any] = {"updated_at": utcnow()}
    if error:
        values |= {"status": FAILED, "error": error[:500]}
    else:
        values |= {"status": SENT, "error": None, "sent_at": utcnow()}
    with unit_of_work(ctx.engine) as session:
        session.execute(sa.update(RunMail).where(col(RunMail.id) == row_id, col(RunMail.status) == SENDING)
                        .values(values))


@job_handler(KIND, retry=True)
def send_run_mail(ctx: JobContext) -> dict[str, Any]:
    """Send what the run has not sent yet, one message per recipient, with progress."""
    run_id = int(ctx.params["run_id"])
    settings = smtp_settings()
    if settings is None:
        raise JobRefused(NOT_SET_UP, {})
    with unit_of_work(ctx.engine) as session:
        run = session.execute(sa.select(PlanRun).where(col(PlanRun.id) == run_id)).scalar_one()
        if run.published_at is None:
            raise JobRefused(NOT_PUBLISHED, {})
        # only this job sends for this run (its active key): a row still being sent is a lost attempt's
        lost = sa.and_(col(RunMail.run_id) == run_id, col(RunMail.status) == SENDING)
        session.execute(sa.update(RunMail).where(lost)
                        .values(status=INTERRUPTED, error=INTERRUPTED_ERROR, updated_at=utcnow()))
    with unit_of_work(ctx.engine) as session:
        run = session.execute(sa.select(PlanRun).where(col(PlanRun.id) == run_id)).scalar_one()
        messages = run_messages(session, run, clock.today())
        try:
            with savepoint(session):
                rows = _record_recipients(session, run_id, messages)
        except IntegrityError:  # recorded meanwhile by another job: read them back
            rows = _record_recipients(session, run_id, messages)
        todo = [(item, rows[(item.kind, item.recipient_id)].id) for item in messages
                if rows[(item.kind, item.recipient_id)].status in TO_SEND]
        counts = {"sent": 0, "failed": 0, "no_address": sum(r.status == NO_ADDRESS for r in rows.values()),
                  "already_sent": sum(r.status == SENT for r in rows.values()),
                  "interrupted": sum(r.status == INTERRUPTED for r in rows.values())}
    with Mailer(settings) as mailer:
        for done, (item, row_id) in enumerate(todo):
            ctx.check_cancelled()
            ctx.progress(int(100 * done / max(1, len(todo))), f"mail {done} of {len(todo)}")
            if row_id is None or not _claim(ctx, int(row_id)):
                continue
            with unit_of_work(ctx.engine) as session:  # ends the read of the attachments before sending
                message = build_message(session, settings, run_id, item)
            outcome = mailer.send(message)
            _finish(ctx, int(row_id), outcome.error)
            counts["sent" if outcome.sent else "failed"] += 1
    log.info("run %s e-mail: %s sent, %s failed, %s without address", run_id, counts["sent"],
             counts["failed"], counts["no_address"])
    return counts
