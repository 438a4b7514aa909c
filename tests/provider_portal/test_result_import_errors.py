"""Issue 12, bad DUO result files: one test per kind of error, each naming its row and column in
Dutch, and each leaving results, attempts, the audit trail and the obligation exactly as they were."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.exam_path.results import ResultData, stage_result
from provider_portal.models import ExamPathChange, ExamResult, Learner, LearnerExam
from provider_portal.models.enums import Role
from tests.factories import make_learner, make_provider, make_user
from tests.web import login, submit, text

HEADER = "bsn;onderdeel;examendatum;niveau;uitslag;poging"
GOOD = "111222333;lezen;2026-03-02;B1;geslaagd;2"
ERROR = re.compile(r'class="row-error" data-row="(\d+)" data-column="([^"]*)"><td>\d+</td>'
                   r'<td class="mono"><code>[^<]*</code></td><td>([^<]+)</td>')


@pytest.fixture()
def school(db: Session, client, frozen_now) -> dict:
    frozen_now(datetime(2026, 3, 25, 10))
    provider = make_provider(db)
    amina = make_learner(db, provider, first_name="Amina", last_name="Haddad", bsn="111222333")
    stage_result(db, amina, ResultData("lezen", date(2026, 2, 2), "B1", False, 1), "import", None)
    db.commit()
    other = make_learner(db, make_provider(db), first_name="Bilal", last_name="Elders", bsn="123456782")
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    login(client, admin.email)
    with client.session_transaction() as browser:
        browser["lang"] = "nl"
    return {"amina": amina, "other": other, "before": _state(db)}


def _state(db: Session) -> tuple:
    """Everything an import could change: results, attempts and statuses, audit rows, the obligation."""
    db.expire_all()
    results = db.execute(sa.select(ExamResult.learner_id, ExamResult.component, ExamResult.attempt,
                                   ExamResult.exam_date).order_by(ExamResult.id)).all()
    exams = db.execute(sa.select(LearnerExam.learner_id, LearnerExam.component, LearnerExam.attempts,
                                 LearnerExam.status).order_by(LearnerExam.learner_id,
                                                              LearnerExam.component)).all()
    audit = db.execute(sa.select(sa.func.count()).select_from(ExamPathChange)).scalar_one()
    met = db.execute(sa.select(Learner.id, Learner.obligation_met_on).order_by(Learner.id)).all()
    return results, exams, audit, met


def _upload(client, body: bytes, name: str = "uitslagen.csv"):
    return submit(client, "/transfer/import", {"kind": "results", "file": (io.BytesIO(body), name)},
                  content_type="multipart/form-data")


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _errors(html: str) -> list[tuple[str, str, str]]:
    return [(row, column, reason.strip()) for row, column, reason in ERROR.findall(html)]


def _refused(client, db, school, body: bytes, name: str = "uitslagen.csv") -> list[tuple[str, str, str]]:
    response = _upload(client, body, name)
    html = text(response)
    assert response.status_code == 422, html[:500]
    assert "Er is niets geïmporteerd" in html
    assert _state(db) == school["before"]  # nothing changed, not even the good rows
    return _errors(html)


CASES = {
    "unknown BSN (another provider's learner)": (
        "123456782;lezen;2026-03-02;B1;geslaagd;1", ("3", "bsn", "geen inburgeraar met dit BSN")),
    "BSN failing the elfproef": (
        "123456789;lezen;2026-03-02;B1;geslaagd;1", ("3", "bsn", "BSN")),
    "bad component": (
        "111222333;rekenen;2026-03-02;B1;geslaagd;1",
        ("3", "onderdeel", "gebruik lezen, luisteren, schrijven, spreken, KNM of ONA")),
    "bad date": (
        "111222333;spreken;30-02-2026;B1;geslaagd;1", ("3", "examendatum", "geen datum")),
    "date in the future": (
        "111222333;spreken;2026-04-02;B1;geslaagd;1", ("3", "examendatum", "ligt in de toekomst")),
    "bad level": (
        "111222333;spreken;2026-03-02;C1;geslaagd;1", ("3", "niveau", "gebruik A2 of B1")),
    "bad result": (
        "111222333;spreken;2026-03-02;B1;misschien;1", ("3", "uitslag", "gebruik geslaagd of gezakt")),
    "bad attempt": (
        "111222333;spreken;2026-03-02;B1;geslaagd;x", ("3", "poging", "")),
    "attempt already recorded": (
        "111222333;lezen;2026-03-03;B1;geslaagd;1",
        ("3", "poging", "poging 1 van dit onderdeel is al vastgelegd")),
    "sitting already recorded (the file imported again without attempts)": (
        "111222333;lezen;2026-02-02;B1;gezakt;",
        ("3", "examendatum", "van dit onderdeel op deze datum is al vastgelegd")),
}


@pytest.mark.parametrize("line,expected", CASES.values(), ids=list(CASES))
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_stored(
    client, db, school, line: str, expected: tuple[str, str, str]
) -> None:
    errors = _refused(client, db, school, _csv(HEADER, GOOD, line))
    row, column, words = expected
    assert [(r, c) for r, c, _reason in errors] == [(row, column)], errors
    assert words.lower() in errors[0][2].lower(), errors


def test_a_duplicate_row_names_the_row_it_repeats(client, db, school) -> None:
    errors = _refused(client, db, school, _csv(HEADER, GOOD, "111222333;spreken;2026-03-02;B1;gezakt;",
                                               "111222333;spreken;2026-03-02;B1;gezakt;"))
    assert [(r, c) for r, c, _reason in errors] == [("4", "examendatum")]
    assert "meer dan eens" in errors[0][2] and "rij 3" in errors[0][2]
    errors = _refused(client, db, school, _csv(HEADER, "111222333;spreken;2026-03-02;B1;gezakt;1",
                                               "111222333;spreken;2026-03-09;B1;geslaagd;1"))
    assert [(r, c) for r, c, _reason in errors] == [("3", "poging")] and "rij 2" in errors[0][2]


def test_a_wrong_header_names_the_unknown_and_the_missing_column(client, db, school) -> None:
    errors = _refused(client, db, school, _csv("bsn;vak;examendatum;niveau;uitslag;poging", GOOD))
    assert ("1", "vak", "onbekende kolom") in errors
    assert ("1", "onderdeel", "verplichte kolom ontbreekt") in errors


@pytest.mark.parametrize("body,message", [
    (b"", "Het bestand is leeg."),
    (_csv(HEADER), "Het bestand bevat geen gegevensrijen."),
], ids=["no bytes", "header only"])
def test_an_empty_file_says_so_and_stores_nothing(client, db, school, body: bytes, message: str) -> None:
    response = _upload(client, body)
    assert response.status_code == 422
    problem = re.search(r'id="import-problem">([^<]+)<', text(response))
    assert problem and problem.group(1).strip() == message
    assert _state(db) == school["before"]


def test_an_xlsx_file_with_bad_rows_names_them_and_stores_nothing(client, db, school) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["BSN", "Onderdeel", "Examendatum", "Niveau", "Uitslag", "Poging"])
    book.active.append(["111222333", "lezen", date(2026, 3, 2), "B1", "geslaagd", 2])  # row 2: good
    book.active.append(["111222333", "spreken", "gisteren", "B1", "geslaagd", 1])  # row 3: no date
    book.active.append(["111222333", "schrijven", date(2026, 3, 2), "C1", "geslaagd", 1])  # row 4: level
    book.active.append([123456782, "KNM", date(2026, 3, 2), "B1", "geslaagd", 1])  # row 5: not ours
    out = io.BytesIO()
    book.save(out)
    errors = _refused(client, db, school, out.getvalue(), "duo.xlsx")
    assert [(r, c) for r, c, _reason in errors] == [("3", "examendatum"), ("4", "niveau"), ("5", "bsn")]
    assert "geen datum" in errors[0][2] and "A2 of B1" in errors[1][2] and "geen inburgeraar" in errors[2][2]
