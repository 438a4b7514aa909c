"""In the browser: an admin uploads a learners file with one bad row, sees it, fixes the file and imports."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Learner
from provider_portal.models.enums import Role
from tests.e2e.helpers import log_in
from tests.factories import make_provider, make_user

HEADER = ("bsn;voornaam;achternaam;geboortedatum;migrant_type;route;gemeente;postcode;talen;begin_termijn;"
          "lening")


def _file(*bsns: str) -> dict:
    rows = [f"{bsn};Cursist{n};Berhane;12-09-1994;asiel;B1;Utrecht;3512 JK;ti;2025-06-01;10000"
            for n, bsn in enumerate(bsns)]
    return {"name": "cursisten.csv", "mimeType": "text/csv", "buffer": "\n".join([HEADER, *rows]).encode()}


def _learners(db: Session) -> list[str]:
    db.expire_all()
    return list(db.execute(sa.select(Learner.bsn).order_by(Learner.bsn)).scalars())


def test_an_admin_sees_the_bad_row_fixes_the_file_and_imports_every_learner(page, db: Session) -> None:
    admin = make_user(db, make_provider(db), role=Role.PROVIDER_ADMIN)
    log_in(page, admin.email)
    page.goto("/learners/")
    page.locator("a[href='/transfer/import']").first.click()

    page.locator("#kind").select_option("learners")
    page.locator("#file").set_input_files(_file("111222333", "123456789", "222222220"))
    page.locator("form[enctype] button[type=submit]").click()
    error = page.locator("#import-errors tr.row-error")
    error.first.wait_for()
    assert error.count() == 1
    assert error.get_attribute("data-row") == "3" and error.get_attribute("data-column") == "bsn"
    assert _learners(db) == []

    page.locator("#file").set_input_files(_file("111222333", "333333330", "222222220"))
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_url("**/learners/")
    assert page.locator("#import-errors").count() == 0
    assert _learners(db) == ["111222333", "222222220", "333333330"]
    assert "******330" in page.content() and "333333330" not in page.content()
