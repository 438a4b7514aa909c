"""Uploads leave no file open (issue 16): an upload over 500 KB is spooled to a temporary file on both
sides of a test request, and an unclosed one is a ResourceWarning when the garbage collector finds it.

- the portal: every view that takes a file (the imports, the large import handed to the jobs
  process, DUO's files, evidence of hours elsewhere) closes it as soon as it is read
  (`forms_common.read_upload`), before the import runs, not only when Flask ends the request;
- the test client: Werkzeug's client spools a multipart body over 500 KB into a temporary file that
  it closes only when following redirects; `tests.web.Client` (every test's client) closes it.
"""

from __future__ import annotations

import gc
import io
import warnings
from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask import Flask, request
from flask.testing import FlaskClient
from sqlmodel import Session

from provider_portal.jobs.queue import run_pending
from provider_portal.models import ImportUpload, Learner
from provider_portal.models.enums import Role
from tests.factories import make_learner, make_provider, make_user
from tests.web import csrf_token, login

PADDING = "x" * 600_000  # past Werkzeug's 500 KB: spooled to a temporary file on disk
WIDE_ROW = ";".join(["x" * 9_000] * 70)  # as much in cells under the CSV cell limit (10,000)


def _learners_file(rows: int) -> bytes:
    """A learner import of `rows` rows and a last row of 600 KB (extra columns: refused when run)."""
    head = ("bsn;voornaam;achternaam;geboortedatum;migrant_type;route;gemeente;postcode;talen;begin_termijn;"
            "eind_termijn;lening")
    bsns = ["111222333", "123456782", "100000009"][:rows]
    lines = [head, *(f"{bsn};Helen;Berhane;12-09-1994;asiel;B1;Utrecht;3512 JK;ti;2025-06-01;;10000"
                     for bsn in bsns), WIDE_ROW]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture()
def leaks() -> Iterator[list[str]]:
    """ResourceWarnings raised while the test runs and by a garbage collection at its end."""
    gc.collect()  # what earlier tests left behind is not this test's
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", ResourceWarning)
        found: list[str] = []
        yield found
        gc.collect()
        found.extend(str(w.message) for w in seen if issubclass(w.category, ResourceWarning))


@pytest.fixture()
def open_at_teardown(app: Flask) -> list[tuple[str, bool]]:
    """Per request with files: (endpoint, whether an upload was still open when the view had
    answered); Flask closes `request.files` only after this teardown."""
    seen: list[tuple[str, bool]] = []

    @app.teardown_request
    def check(_exc: BaseException | None) -> None:
        files = request.__dict__.get("files")  # parsed by the request, not parsed here
        if files:
            seen.append((request.endpoint or "", any(not f.closed for f in files.values())))

    return seen


def _post_file(client: FlaskClient, page: str, data: dict, action: str | None = None):
    token = csrf_token(client, page)
    return client.post(action or page, data={**data, "csrf_token": token}, content_type="multipart/form-data")


def test_every_upload_is_closed_by_its_view_and_leaves_no_file_open(app, client, db: Session, engine, leaks,
                                                                      open_at_teardown, frozen_now) -> None:
    frozen_now(datetime(2026, 5, 11, 10))
    provider = make_provider(db)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    finance = make_user(db, provider, role=Role.FINANCE)
    learner = make_learner(db, provider)
    login(client, admin.email)
    # an import in the request (refused or not, its file is read, then closed)
    _post_file(client, "/transfer/import",
               {"kind": "learners", "file": (io.BytesIO(_learners_file(1)), "groot.csv")})
    # a large import, handed to the jobs process: the view stores the bytes and closes the upload
    app.config["JOBS_IMPORT_ROWS"] = 1
    queued = _post_file(client, "/transfer/import",
                        {"kind": "learners", "file": (io.BytesIO(_learners_file(3)), "groot.csv")})
    assert queued.status_code == 302 and "/jobs/" in queued.headers["Location"]
    assert db.execute(sa.select(sa.func.count()).select_from(ImportUpload)).scalar_one() == 1
    run_pending(engine)  # the job reads the stored copy and deletes it, however it ends
    assert db.execute(sa.select(sa.func.count()).select_from(ImportUpload)).scalar_one() == 0
    # evidence of hours at another provider
    _post_file(client, f"/exam-path/learners/{learner.id}/external-hours",
               {"provider_name": "Taalschool West", "keurmerk": "y", "period_from": "2025-01-01",
                "period_to": "2025-12-31", "hours": "12",
                "evidence": (io.BytesIO(b"%PDF-1.4 " + PADDING.encode()), "verklaring.pdf")})
    # DUO's status file, as finance
    finance_client = app.test_client()
    login(finance_client, finance.email)
    _post_file(finance_client, "/invoicing/duo-import",
               {"kind": "status", "file": (io.BytesIO(f"factuurnummer;bsn\n#{PADDING}\n".encode()), "s.csv")})
    assert [endpoint for endpoint, _open in open_at_teardown] == [
        "transfer.upload", "transfer.upload", "exam_path.external_hours", "invoicing.duo_import"]
    assert not [endpoint for endpoint, still_open in open_at_teardown if still_open], open_at_teardown
    assert db.execute(sa.select(sa.func.count()).select_from(Learner)).scalar_one() >= 1
    assert not leaks, leaks


def test_the_test_client_closes_a_request_body_it_spooled_to_disk(app, leaks) -> None:
    """A multipart body over 500 KB posted without following the redirect: the body file is closed
    when the client returns (Werkzeug's own client leaves it to the garbage collector)."""
    client = app.test_client()
    response = client.post("/login", data={"email": "a", "file": (io.BytesIO(PADDING.encode()), "x.txt")},
                           content_type="multipart/form-data")
    assert response.status_code == 400  # no CSRF token; the body was spooled all the same
    assert response.request.environ["wsgi.input"].closed
    del response
    assert not leaks, leaks


def test_without_it_the_spooled_body_is_left_to_the_garbage_collector(app, leaks) -> None:
    """Why `tests.web.Client` exists: Flask's own client leaves the body file open."""
    client = FlaskClient(app, app.response_class, use_cookies=True)
    response = client.post("/login", data={"email": "a", "file": (io.BytesIO(PADDING.encode()), "x.txt")},
                           content_type="multipart/form-data")
    assert not response.request.environ["wsgi.input"].closed
    response.request.environ["wsgi.input"].close()  # closed here, so this test leaks nothing itself
    del response
    assert not leaks, leaks

