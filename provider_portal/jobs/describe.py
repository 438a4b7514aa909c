"""Jobs in words: what a job is, and its error as a sentence in the reader's language.

`job.error` is stored in English (the jobs process has no reader); the messages the jobs process
itself writes are recognised here and shown translated, any other error as a sentence around the
handler's own message (without the exception's class name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import col

from provider_portal.access import may_open
from provider_portal.db import get_session
from provider_portal.i18n import KnownTexts
from provider_portal.jobs import isolated, queue
from provider_portal.labels import label
from provider_portal.mail import runs as mail_runs
from provider_portal.models import Job, PlanRun, User
from provider_portal.transfer import background as transfer_background

# The English texts the jobs process stores, with their translations (same placeholders).
_KNOWN = KnownTexts((KnownTexts.template(english), translated) for english, translated in (
    (queue.LOST, _l("The jobs process stopped during this run; start it again.")),
    (queue.LOST_RETRIES, _l("The jobs process stopped during this job %(attempts)s times; "
                            "it is not retried again.")),
    (isolated.CPU_LIMIT, _l("The run used its whole CPU allowance of %(seconds)s seconds and was stopped.")),
    (isolated.CRASHED, _l("The run's process ended unexpectedly (exit code %(code)s).")),
    (mail_runs.NOT_SET_UP, _l("E-mail is not set up (SMTP_HOST); nothing was sent.")),
    (mail_runs.NOT_PUBLISHED, _l("The run is not published; nothing was sent.")),
    (transfer_background.REFUSED, _l("Nothing was imported; problems found in the file: %(count)s. "
                                     "The job's page lists them.")),
))
_CLASS_PREFIX = re.compile(r"^[A-Z][A-Za-z0-9_.]*(Error|Exception|Failed|Kind)?: ")


def error_sentence(error: str | None) -> str:
    """The stored error as a sentence for the reader ('' when there is none)."""
    if not error:
        return ""
    if (known := _KNOWN.translate(error)) is not None:
        return known
    detail = _CLASS_PREFIX.sub("", error, count=1)
    return _("The job stopped with an error: %(detail)s", detail=detail)


@dataclass(frozen=True)
class JobView:
    """A job as the jobs page tells it: what, who, and where its result is."""

    title: str
    status: str
    started_by: str
    link: tuple[str, str] | None  # (url, label)
    error: str
    row_errors: tuple[tuple[str, str, str], ...] = ()  # an import's (row, column, reason)


def describe_job(job: Job) -> JobView:
    """The job in the reader's words (queries go through the request's tenant filter)."""
    title, link = _what(job)
    return JobView(title=title, status=str(label(job.status, "job_status")),
                   started_by=_who(job.created_by_id), link=link if job.status == "succeeded" else None,
                   error=error_sentence(job.error), row_errors=_row_errors(job))


def _row_errors(job: Job) -> tuple[tuple[str, str, str], ...]:
    """An import job's row errors in the reader's language ('' as row for the file as a whole)."""
    if job.kind != transfer_background.KIND or not job.result:
        return ()
    return tuple((str(e.get("row") or ""), str(e.get("column") or ""),
                  transfer_background.reason_text(e.get("reason") or {}))
                 for e in job.result.get("errors", ()))


def _who(user_id: int | None) -> str:
    if user_id is None:
        return _("the schedule")
    names: dict[int, str | None] = g.setdefault("job_starter_names", {})  # one query per user and request
    if user_id not in names:
        query = sa.select(col(User.name)).where(col(User.id) == user_id)
        names[user_id] = get_session().execute(query).scalar_one_or_none()
    return names[user_id] or _("another account")


def _import_title(params: dict) -> tuple[str, tuple[str, str] | None]:
    from provider_portal.transfer.forms import KIND_LABELS
    from provider_portal.transfer.importer import ImportKind

    try:
        kind = ImportKind(str(params.get("kind")))
    except ValueError:
        return _("Import"), None
    what = str(KIND_LABELS[kind]).lower()
    title = _("Import of %(rows)s rows (%(what)s) from %(file)s", rows=params.get("rows", "?"), what=what,
              file=params.get("filename", ""))
    endpoint = transfer_background.AFTER_IMPORT[kind]
    if not may_open(endpoint):
        return title, None
    return title, (url_for(endpoint), str(KIND_LABELS[kind]))


def _what(job: Job) -> tuple[str, tuple[str, str] | None]:
    params = job.params or {}
    if job.kind == "invoicing.quarter_drafts":
        quarter = str(params.get("quarter", ""))
        if job.provider_id is None:
            title = _("Draft invoices of %(quarter)s, every provider", quarter=quarter)
        else:
            title = _("Draft invoices of %(quarter)s", quarter=quarter)
        if not may_open("invoicing.invoices"):
            return title, None
        label = _("Drafts of %(quarter)s", quarter=quarter)
        return title, (url_for("invoicing.invoices", quarter=quarter), label)
    if job.kind == "planning.run":
        run = get_session().execute(sa.select(PlanRun).where(col(PlanRun.id) == params.get("run_id"))
                                    ).scalar_one_or_none()
        if run is None:
            return _("Planning run"), None
        places = ", ".join(run.municipalities)
        title = (_("Exam planning run %(id)s for %(places)s", id=run.id, places=places) if run.kind == "exams"
                 else _("Group-session planning run %(id)s for %(places)s", id=run.id, places=places))
        if not may_open("runs.detail"):
            return title, None
        return title, (url_for("runs.detail", run_id=run.id), _("Run %(id)s", id=run.id))
    if job.kind == mail_runs.KIND:
        title = _("E-mail of run %(id)s: invitation letters and participant lists", id=params.get("run_id"))
        if not may_open("runs.detail"):
            return title, None
        return title, (url_for("runs.detail", run_id=params.get("run_id"), _anchor="mail"),
                       _("Run %(id)s", id=params.get("run_id")))
    if job.kind == transfer_background.KIND:
        return _import_title(params)
    if job.kind == "housekeeping":
        return _("Nightly clean-up of old jobs"), None
    return job.kind, None
