"""Imports above JOBS_IMPORT_ROWS run in the jobs process, with progress, all rows or none.

The upload page stores the file and queues a `transfer.import` job; the job runs the same import
(every row checked, then stored in one transaction), reports rows done of rows in all, deletes the
stored file, and its page shows the imported count or the row errors as sentences.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from provider_portal.jobs.context import JobContext
from provider_portal.jobs.queue import run_pending
from provider_portal.learners import service as learner_service
from provider_portal.models import ImportUpload, Job, Learner
from provider_portal.transfer import importer
from tests.factories import make_learner
from tests.provider_portal.test_transfer_import import (  # noqa: F401  (admin: fixture)
    LEARNER_HEADER,
    _bsns,
    _count,
    _learner_row,
    _upload,
    admin,
)
from tests.web import submit, text


@pytest.fixture()
def progress(monkeypatch) -> list[tuple[int, str]]:
    """Every progress report of the jobs run in this test, as (percent, message)."""
    reports: list[tuple[int, str]] = []
    real = JobContext.progress

    def record(self, percent: int, message: str = "") -> None:
        reports.append((percent, message))
        real(self, percent, message)

    monkeypatch.setattr(JobContext, "progress", record)
    return reports


def _only_job(db) -> Job:
    db.expire_all()
    return db.execute(sa.select(Job)).scalar_one()


def test_a_file_over_the_threshold_is_imported_by_a_job_that_reports_its_rows(
    client, db, engine, admin, progress  # noqa: F811
) -> None:
    rows = [_learner_row(bsn) for bsn in _bsns(501)]  # one over the default JOBS_IMPORT_ROWS of 500
    response = _upload(client, "learners", LEARNER_HEADER, *rows, name="nieuw.csv")
    job = _only_job(db)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert (job.kind, job.status, job.provider_id) == ("transfer.import", "queued", admin.id)
    assert job.params["rows"] == 501
    assert _count(db, Learner) == 0 and _count(db, ImportUpload) == 1  # nothing yet: the job imports
    page = text(client.get(response.headers["Location"]))
    assert "Het bestand heeft 501 rijen: het wordt op de achtergrond geïmporteerd" in page
    assert "Import van 501 rijen (inburgeraars) uit nieuw.csv" in page

    assert run_pending(engine) == 1
    job = _only_job(db)
    assert (job.status, job.progress, job.result["imported"]) == ("succeeded", 100, 501)
    assert _count(db, Learner) == 501 and _count(db, ImportUpload) == 0  # the file is gone once read
    done = [int(message.split()[1]) for _percent, message in progress]
    assert progress[0][1] == "rows 0 of 501" and progress[-1] == (100, "rows 501 of 501")
    assert done == sorted(done) and len(done) >= 4  # checked in steps, then stored
    page = text(client.get(f"/jobs/{job.id}"))
    assert "501 rijen zijn geïmporteerd." in page and 'href="/learners/"' in page


def test_a_failing_row_in_a_large_import_changes_nothing_and_the_job_page_names_it(
    client, db, engine, admin  # noqa: F811
) -> None:
    make_learner(db, admin)
    rows = [_learner_row(bsn) for bsn in _bsns(600)]
    rows[299] = _learner_row("123456789")  # file row 301: fails the elfproef
    rows[449] = _learner_row(_bsns(600)[0], "Twice")  # file row 451: the same BSN as row 2
    _upload(client, "learners", LEARNER_HEADER, *rows)
    assert run_pending(engine) == 1
    job = _only_job(db)
    assert job.status == "failed" and job.result["imported"] == 0
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [(301, "bsn"), (451, "bsn")]
    assert _count(db, Learner) == 1 and _count(db, ImportUpload) == 0  # only the learner from before
    page = text(client.get(f"/jobs/{job.id}"))
    assert "Er is niets geïmporteerd; problemen in het bestand: 2." in page
    assert 'data-row="301" data-column="bsn"' in page and "geen geldig BSN" in page
    assert "komt meer dan eens voor in het bestand (ook in rij 2)" in page
    submit(client, f"/jobs/{job.id}", {"lang": "en"}, action="/language")
    page = text(client.get(f"/jobs/{job.id}"))
    assert "Nothing was imported; problems found in the file: 2." in page
    assert "appears more than once in the file (also row 2)" in page


def test_a_large_import_failing_while_it_stores_rolls_every_row_back(
    client, db, engine, admin, monkeypatch  # noqa: F811
) -> None:
    real = learner_service.stage_new_learners

    def half_then_fail(session, provider_id, rows):  # type: ignore[no-untyped-def]
        real(session, provider_id, rows[: len(rows) // 2])
        session.flush()  # half the learners are written in the transaction...
        raise RuntimeError("the database went away")  # ...when the import breaks off

    monkeypatch.setattr(importer, "stage_new_learners", half_then_fail)
    _upload(client, "learners", LEARNER_HEADER, *[_learner_row(bsn) for bsn in _bsns(520)])
    assert run_pending(engine) == 1
    job = _only_job(db)
    assert job.status == "failed" and "the database went away" in job.error
    assert _count(db, Learner) == 0 and _count(db, ImportUpload) == 0


def test_small_imports_stay_in_the_request(client, db, app, admin) -> None:  # noqa: F811
    app.config["JOBS_IMPORT_ROWS"] = 3
    bsns = _bsns(7)
    response = _upload(client, "learners", LEARNER_HEADER, *[_learner_row(b) for b in bsns[:3]])
    assert response.headers["Location"].endswith("/learners/") and _count(db, Learner) == 3
    assert _count(db, Job) == 0
    response = _upload(client, "learners", LEARNER_HEADER, *[_learner_row(b) for b in bsns[3:]])
    assert "/jobs/" in response.headers["Location"] and _count(db, Job) == 1 and _count(db, Learner) == 3
