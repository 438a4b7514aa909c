"""Large imports run in the jobs process ("transfer.import"), with progress, all rows or none.

An upload with more data rows than JOBS_IMPORT_ROWS is stored (`ImportUpload`, in the database, so
a jobs process on another machine can read it) and queued; the job runs the same import as a web
request would (`import_table`: every row checked, then stored in one transaction or not at all),
reports rows done of rows in all as its progress, and deletes the stored file when it ends. Its
result holds the imported count, or the row errors (row, column, reason) which the job page shows
as sentences in the reader's language.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import LazyString, get_translations
from sqlmodel import Session, col

from provider_portal import clock
from provider_portal.db import unit_of_work
from provider_portal.jobs.context import JobContext, JobRefused
from provider_portal.jobs.queue import enqueue
from provider_portal.jobs.registry import job_handler
from provider_portal.models import ImportUpload, Job
from provider_portal.transfer.columns import RowError
from provider_portal.transfer.importer import ImportKind, ImportResult, import_table
from provider_portal.transfer.tables import read_table

KIND = "transfer.import"
# Stored in `job.error` in English; the pages show it translated (jobs/describe.py).
AFTER_IMPORT = {ImportKind.LEARNERS: "learners.index", ImportKind.CONTRACTS: "contracts.index",
                ImportKind.ENROLMENTS: "classes.index", ImportKind.RESULTS: "learners.index"}
REFUSED = "Nothing was imported; problems found in the file: %(count)s. The job's page lists them."
PROGRESS = "rows %(done)s of %(total)s"


def queue_import(session: Session, provider_id: int, user_id: int | None, kind: ImportKind, filename: str,
                 data: bytes, rows: int) -> Job:
    """Store the file and queue its import, in the caller's transaction (its unit of work commits)."""
    upload = ImportUpload(provider_id=provider_id, created_by_id=user_id, kind=str(kind),
                          filename=filename[:255], rows=rows, content=data)
    session.add(upload)
    session.flush()
    params = {"upload_id": upload.id, "kind": str(kind), "filename": filename[:255], "rows": rows,
              "user_id": user_id}
    return enqueue(session, KIND, provider_id=provider_id, created_by_id=user_id, params=params)


def reason_data(reason: Any) -> dict[str, Any]:
    """A (lazy) translatable reason as its message id and values, so the page can translate it later."""
    if isinstance(reason, LazyString) and reason._args and isinstance(reason._args[0], str):
        values = {key: value if isinstance(value, int | float) else str(value)
                  for key, value in reason._kwargs.items()}
        return {"msgid": reason._args[0], "values": values}
    return {"text": str(reason)}


def reason_text(data: dict[str, Any]) -> str:
    """A stored reason in the reader's language (the message ids are the portal's own)."""
    if "msgid" in data:  # the portal's own message ids, already in messages.po
        text = get_translations().ugettext(data["msgid"])
        values = data.get("values") or {}
        return text % values if values else text
    return str(data.get("text", ""))


def _errors(errors: list[RowError]) -> list[dict[str, Any]]:
    return [{"row": e.row, "column": e.column, "reason": reason_data(e.reason)} for e in errors]


@job_handler(KIND)
def run_import(ctx: JobContext) -> dict[str, Any]:
    """Import the stored file for the job's provider; the file is deleted however the job ends."""
    upload_id = ctx.params["upload_id"]
    summary = {"kind": ctx.params["kind"], "filename": ctx.params.get("filename", "")}
    try:
        with unit_of_work(ctx.engine) as session:
            upload = session.execute(sa.select(ImportUpload).where(
                col(ImportUpload.id) == upload_id,
                col(ImportUpload.provider_id) == ctx.provider_id)).scalar_one()
            table = read_table(upload.filename, upload.content)
            total = len(table.rows)

            def progress(done: int, rows: int) -> None:
                ctx.progress(int(100 * done / max(1, rows)), PROGRESS % {"done": done, "total": rows})

            result: ImportResult = import_table(session, upload.provider_id, ImportKind(upload.kind), table,
                                                clock.today(), progress, user_id=ctx.params.get("user_id"))
        if result.ok:  # reported once committed: on SQLite the progress write would wait for the commit
            progress(total, total)
        if not result.ok:
            problems = _errors(result.errors)
            if result.problem is not None:
                problems.append({"row": None, "column": "", "reason": reason_data(result.problem)})
            raise JobRefused(REFUSED % {"count": len(problems)}, {**summary, "rows": total, "imported": 0,
                                                                   "errors": problems})
        return {**summary, "rows": total, "imported": result.imported}
    finally:
        with unit_of_work(ctx.engine) as session:
            session.execute(sa.delete(ImportUpload).where(ImportUpload.id == upload_id))
