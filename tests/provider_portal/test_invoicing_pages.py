"""The finance pages: draft run, review, issue, downloads, statuses, credit notes, imports, caps."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.invoicing import lifecycle
from provider_portal.jobs.queue import run_pending
from provider_portal.models import CapSetting, Invoice, Job
from provider_portal.models.enums import Role
from provider_portal.models.invoicing import InvoiceStatus
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.invoicing_factories import AFTER_Q1, attend_all, make_draft
from tests.pages import assert_unique_ids, read_page
from tests.web import csrf_token, login, submit, text


@pytest.fixture()
def office(db: Session, frozen_now) -> dict:
    frozen_now(datetime(2026, 4, 2, 10, 0))
    provider = make_provider(db)
    course = make_class(db, provider)
    learner = make_learner(db, provider, first_name="Amina")
    make_contract(db, learner)
    make_enrolment(db, course, learner)
    attend_all(db, course, learner)
    finance = make_user(db, provider, role=Role.FINANCE)
    return {"provider": provider, "learner": learner, "finance": finance}


def _invoices(db: Session) -> list[Invoice]:
    db.expire_all()
    return list(db.execute(sa.select(Invoice).order_by(Invoice.id)).scalars())


def test_finance_runs_the_drafts_reviews_issues_and_downloads(client, db, engine, office) -> None:
    login(client, office["finance"].email)
    response = submit(client, "/invoicing/?quarter=2026-Q1", {"quarter": "2026-Q1"}, "/invoicing/drafts/run")
    job = db.execute(sa.select(Job)).scalar_one()
    assert response.headers["Location"] == f"/jobs/{job.id}" and job.provider_id == office["provider"].id
    run_pending(engine)
    (draft,) = _invoices(db)
    assert client.get("/invoicing/invoices?quarter=2026-Q1").status_code == 200
    page = f"/invoicing/invoices/{draft.id}"
    asked = submit(client, page, {}, f"{page}/issue")  # the button asks first; nothing is issued yet
    assert asked.status_code == 200 and "Deze factuur uitreiken?" in text(asked)
    assert _invoices(db)[0].status == InvoiceStatus.DRAFT and _invoices(db)[0].number is None
    assert submit(client, page, {"confirm": "1"}, f"{page}/issue").status_code == 302
    (issued,) = _invoices(db)
    assert issued.number == "2026-00001" and issued.status == InvoiceStatus.ISSUED
    ubl = client.get(f"{page}/ubl.xml")
    assert ubl.status_code == 200 and b"<cbc:ID>2026-00001</cbc:ID>" in ubl.data
    assert client.get(f"{page}/invoice.pdf").data.startswith(b"%PDF")
    csv = submit(client, page, {"quarter": "2026-Q1"}, "/invoicing/duo-export")
    assert csv.status_code == 200 and b"2026-00001" in csv.data
    assert "attachment" in csv.headers["Content-Disposition"]
    xlsx = client.get("/invoicing/overview.xlsx?quarter=2026-Q1")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_overview_shows_per_learner_totals_and_the_chart(client, db, office) -> None:
    make_drafts_for(db, office)
    login(client, office["finance"].email)
    page = text(client.get("/invoicing/?quarter=2026-Q1"))
    assert 'id="quarter-chart"' in page and "Amina" in page and 'id="total-invoiceable"' in page
    assert "<title>2026-Q1, Concept: €" in page and " draft: EUR " not in page  # the tooltips in Dutch
    assert "<th>Kwartaal</th>" in page  # the chart's figures as a table beside it


def make_drafts_for(db: Session, office: dict) -> None:
    from billing.quarters import Quarter
    from provider_portal.invoicing.drafts import make_drafts

    make_drafts(db, office["provider"], Quarter(2026, 1), AFTER_Q1)
    db.commit()  # the caller's unit of work


def test_status_changes_and_credit_notes_through_the_pages(client, db, office) -> None:
    invoice = _issued_for_finance(client, db, office)
    page = f"/invoicing/invoices/{invoice.id}"
    refused = submit(client, page, {"status": "paid"}, f"{page}/status", follow_redirects=True)
    assert _invoices(db)[0].status == InvoiceStatus.ISSUED  # issued -> paid is refused
    assert f"{invoice.number} heeft de status Uitgereikt en kan niet Betaald worden" in text(refused)
    submit(client, page, {"status": "submitted"}, f"{page}/status")
    assert _invoices(db)[0].status == InvoiceStatus.SUBMITTED
    response = submit(client, page, {"reason": "wrong hours", "confirm": "1"}, f"{page}/credit")
    note = _invoices(db)[-1]
    assert note.number == "C2026-00001" and response.headers["Location"] == f"/invoicing/invoices/{note.id}"
    history = text(client.get(f"/invoicing/learners/{office['learner'].id}"))
    assert invoice.number in history and "C2026-00001" in history


def test_the_issued_invoice_page_has_unique_ids_and_shows_its_status_and_lines_in_dutch(
    client, db, office
) -> None:
    invoice = _issued_for_finance(client, db, office)
    html = text(client.get(f"/invoicing/invoices/{invoice.id}"))
    assert_unique_ids(html)  # the status form and the credit form each have their own reason field
    assert '<label for="credit-reason">' in html and '<label for="status-reason">' in html
    visible = read_page(html).visible_text
    assert "Uitgereikt" in visible and "Geleverd dit kwartaal" in visible
    assert "issued" not in visible.split() and "delivered" not in visible.split()


def test_a_learner_the_billing_core_cannot_use_is_named_in_dutch_on_the_overview(
    client, db, office
) -> None:
    other = make_learner(db, office["provider"], first_name="Bilal")
    contract = make_contract(db, other, hourly_rate_cents=0)
    login(client, office["finance"].email)
    page = text(client.get("/invoicing/?quarter=2026-Q1"))
    named = f"(cursist {other.id}), contract {contract.number}: contract.hourly_rate: "
    assert named + "ontbreekt; een contract heeft een uurtarief nodig" in page


def _issued_for_finance(client, db: Session, office: dict) -> Invoice:
    """The office's Q1 drafts made and the first one issued (committed), with finance logged in."""
    make_drafts_for(db, office)
    invoice = lifecycle.issue(db, _invoices(db)[0], AFTER_Q1)
    db.commit()
    login(client, office["finance"].email)
    return invoice


def _import(client, kind: str, content: str):
    token = csrf_token(client, "/invoicing/duo-import")
    return client.post(
        "/invoicing/duo-import",
        data={"csrf_token": token, "kind": kind, "file": (BytesIO(content.encode()), f"{kind}.csv")},
        content_type="multipart/form-data",
    )


def _cell(page: str, cell_id: str) -> str:
    match = re.search(rf'id="{cell_id}">(.*?)</', page, re.S)
    assert match, cell_id
    return match.group(1).replace("\xa0", " ").strip()


def test_a_corrected_quarter_stays_full_until_the_credit_note_is_paid_then_its_quarter_has_room(
    client, db, engine, office, frozen_now
) -> None:
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    db.commit()
    login(client, office["finance"].email)
    submit(client, "/invoicing/?quarter=2026-Q1", {"quarter": "2026-Q1"}, "/invoicing/drafts/run")
    run_pending(engine)
    (draft,) = _invoices(db)
    page = f"/invoicing/invoices/{draft.id}"
    submit(client, page, {"confirm": "1"}, f"{page}/issue")
    response = submit(
        client, page, {"reason": "wrong rate", "confirm": "1"}, f"{page}/credit", follow_redirects=True
    )
    note = _invoices(db)[-1]
    assert note.number in text(response) and "C2026-00001" == note.number
    assert "2026-Q" not in _cell(text(response), "frees-cap-room")  # not paid: frees nothing yet
    submit(client, "/invoicing/?quarter=2026-Q1", {"quarter": "2026-Q1"}, "/invoicing/drafts/run")
    run_pending(engine)
    assert len(_invoices(db)) == 2  # no correction draft: Q1 stays full
    assert _cell(text(client.get("/invoicing/?quarter=2026-Q1")), "total-invoiceable").endswith("0,00")

    header = "factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\r\n"
    early = _import(client, "status", f"{header}{note.number};{note.bsn};BETAALD;2026-04-01;500.00;\r\n")
    assert early.status_code == 400 and "rij 2, kolom statusdatum" in text(early)
    paid = _import(client, "status", f"{header}{note.number};{note.bsn};BETAALD;2026-05-04;500.00;\r\n")
    assert paid.status_code == 302
    stored = _invoices(db)[-1]
    assert (stored.status, stored.paid_on) == (InvoiceStatus.PAID, date(2026, 5, 4))
    assert "2026-Q2" in _cell(text(client.get(f"/invoicing/invoices/{note.id}")), "frees-cap-room")

    frozen_now(datetime(2026, 7, 1, 10, 0))
    assert _cell(text(client.get("/invoicing/?quarter=2026-Q1")), "total-invoiceable").endswith("0,00")
    overview = text(client.get("/invoicing/?quarter=2026-Q2"))
    assert _cell(overview, "total-invoiceable").endswith("1.000,00")  # the cap + 500 freed in Q2
    assert "credit notes paid in 2026-Q2 freed EUR 500.00" in overview


def test_exporting_a_quarter_without_issued_invoices_is_refused_and_downloads_nothing(
    client, db, office
) -> None:
    login(client, office["finance"].email)
    response = submit(
        client, "/invoicing/invoices?quarter=2026-Q1", {"quarter": "2026-Q1"}, "/invoicing/duo-export"
    )
    assert response.status_code == 400 and "attachment" not in response.headers.get("Content-Disposition", "")


def test_a_bad_duo_file_is_refused_with_its_rows_and_changes_nothing(client, db, office) -> None:
    invoice = _issued_for_finance(client, db, office)
    content = (
        f"factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\r\n"
        f"{invoice.number};{invoice.bsn};GOEDGEKEURD;2026-05-01;;\r\n"
        f"{invoice.number};{invoice.bsn};BETAALD;gisteren;10.00;\r\n"
        f"{invoice.number};123456789;GOEDGEKEURD;2026-05-01;;\r\n"
    ).encode()
    token = csrf_token(client, "/invoicing/duo-import")
    response = client.post(
        "/invoicing/duo-import",
        data={"csrf_token": token, "kind": "status", "file": (BytesIO(content), "status.csv")},
        content_type="multipart/form-data",
    )
    page = text(response)
    assert response.status_code == 400 and "rij 3, kolom statusdatum: " in page and "is geen datum" in page
    assert "rij 4, kolom bsn: is geen geldig BSN" in page  # in the reader's language, not the core's
    assert _invoices(db)[0].status == InvoiceStatus.ISSUED


def test_a_good_duo_result_file_marks_invoices_submitted(client, db, office) -> None:
    invoice = _issued_for_finance(client, db, office)
    content = (
        f"factuurnummer;bsn;resultaat;foutcode;foutomschrijving\r\n{invoice.number};{invoice.bsn};OK;;\r\n"
    )
    token = csrf_token(client, "/invoicing/duo-import")
    response = client.post(
        "/invoicing/duo-import",
        data={"csrf_token": token, "kind": "result", "file": (BytesIO(content.encode()), "result.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and _invoices(db)[0].status == InvoiceStatus.SUBMITTED


def test_a_teacher_cannot_open_the_finance_pages(client, db, office) -> None:
    teacher = make_user(db, office["provider"], role=Role.TEACHER)
    login(client, teacher.email)
    for url in ("/invoicing/", "/invoicing/invoices", "/invoicing/duo-import"):
        assert client.get(url).status_code == 403, url


def test_provider_a_cannot_see_or_export_provider_bs_invoices(client, db, office) -> None:
    other = make_provider(db)
    learner = make_learner(db, other)
    theirs = lifecycle.issue(db, make_draft(db, learner, make_contract(db, learner)), AFTER_Q1)
    db.commit()
    login(client, office["finance"].email)
    for url in (
        f"/invoicing/invoices/{theirs.id}",
        f"/invoicing/invoices/{theirs.id}/ubl.xml",
        f"/invoicing/invoices/{theirs.id}/invoice.pdf",
    ):
        assert client.get(url).status_code == 404, url
    assert theirs.number not in text(client.get("/invoicing/invoices?quarter=2026-Q1"))
    response = submit(
        client, "/invoicing/invoices?quarter=2026-Q1", {"quarter": "2026-Q1"}, "/invoicing/duo-export"
    )
    assert response.status_code == 400  # nothing of ours issued; B's invoice is never exported


def test_the_ubl_download_without_a_vat_id_says_in_dutch_which_setting_is_missing(client, db, office) -> None:
    office["provider"].vat_id = None
    db.commit()
    learner = office["learner"]
    invoice = lifecycle.issue(db, make_draft(db, learner, make_contract(db, learner)), AFTER_Q1)
    db.commit()
    login(client, office["finance"].email)
    response = client.get(f"/invoicing/invoices/{invoice.id}/ubl.xml")
    page = text(response)
    assert response.status_code == 400 and "heeft geen btw-identificatienummer" in page
    assert "Instellingen taalaanbieder" in page and "BR-E-02" in page


def test_a_platform_admin_adds_a_later_cap_and_provider_staff_cannot(client, db, office) -> None:
    admin = make_user(db, None, role=Role.PLATFORM_ADMIN)
    login(client, admin.email)
    response = submit(client, "/admin/invoice-caps/", {"amount": "2000.00", "effective_from": "2027-Q1"})
    assert response.status_code == 302
    assert db.execute(sa.select(CapSetting.amount_cents, CapSetting.effective_from)).all() == [
        (200_000, "2027-Q1")
    ]
    again = submit(client, "/admin/invoice-caps/", {"amount": "1500.00", "effective_from": "2027-Q1"})
    assert again.status_code == 400 and 'id="effective_from-error"' in text(again)  # the one refusal handler
    assert "Er begint al een maximum in 2027-Q1." in text(again)
    other = client.application.test_client()
    login(other, office["finance"].email)
    assert other.get("/admin/invoice-caps/").status_code == 403


def test_a_status_file_with_two_rows_that_cannot_follow_shows_dutch_row_errors_not_a_500(
    client, db, office
) -> None:
    invoice = _issued_for_finance(client, db, office)
    header = "factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\r\n"
    response = _import(client, "status", (
        f"{header}{invoice.number};{invoice.bsn};BETAALD;2026-05-01;100.00;\r\n"
        f"{invoice.number};{invoice.bsn};GOEDGEKEURD;2026-05-02;;\r\n"
        f"2026-09999;{invoice.bsn};BETAALD;2026-05-01;-5.00;\r\n"
        f"2026-09998;{invoice.bsn};GOEDGEKEURD;2026-05-01;;\r\n"
    ))
    page = text(response)
    assert response.status_code == 400 and "Er is niets gewijzigd" in page
    assert f"rij 3, kolom status: {invoice.number} heeft na rij 2 status betaald" in page
    assert "rij 4, kolom betaald_bedrag: &#39;-5.00&#39; is negatief" in page
    assert "rij 5, kolom factuurnummer: 2026-09998 is geen uitgereikte factuur" in page
    stored = _invoices(db)[0]
    assert (stored.status, stored.paid_cents) == (InvoiceStatus.ISSUED, None)


def test_a_status_file_whose_rows_chain_is_applied_through_the_page(client, db, office) -> None:
    invoice = _issued_for_finance(client, db, office)
    header = "factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\r\n"
    response = _import(client, "status", (
        f"{header}{invoice.number};{invoice.bsn};INGEDIEND;2026-04-20;;\r\n"
        f"{invoice.number};{invoice.bsn};GOEDGEKEURD;2026-04-27;;\r\n"
    ))
    assert response.status_code == 302 and _invoices(db)[0].status == InvoiceStatus.ACCEPTED


def test_after_a_credit_note_the_duo_export_page_sends_only_the_credit_note(client, db, office) -> None:
    invoice = _issued_for_finance(client, db, office)
    listing = "/invoicing/invoices?quarter=2026-Q1"
    first = submit(client, listing, {"quarter": "2026-Q1"}, "/invoicing/duo-export")
    assert first.status_code == 200 and invoice.number.encode() in first.data
    page = f"/invoicing/invoices/{invoice.id}"
    assert "-001.csv" in _cell(text(client.get(page)), "duo-batch")
    submit(client, page, {"reason": "wrong hours", "confirm": "1"}, f"{page}/credit")
    second = submit(client, listing, {"quarter": "2026-Q1"}, "/invoicing/duo-export")
    lines = second.data.decode().strip().split("\r\n")
    assert second.status_code == 200 and len(lines) == 2 and "CREDITNOTA" in lines[1]
    assert ";FACTUUR;" not in second.data.decode()
    assert submit(client, listing, {"quarter": "2026-Q1"}, "/invoicing/duo-export").status_code == 400


def test_a_double_click_on_make_drafts_queues_one_run_and_shows_it(client, db, engine, office) -> None:
    """The second click finds the first click's run queued: no second job, the same job page."""
    login(client, office["finance"].email)
    first = submit(client, "/invoicing/?quarter=2026-Q1", {"quarter": "2026-Q1"}, "/invoicing/drafts/run")
    second = submit(client, "/invoicing/?quarter=2026-Q1", {"quarter": "2026-Q1"}, "/invoicing/drafts/run")
    (job,) = db.execute(sa.select(Job)).scalars()
    assert first.headers["Location"] == second.headers["Location"] == f"/jobs/{job.id}"
    assert "staat al in de wachtrij of is bezig" in text(client.get(f"/jobs/{job.id}"))
    run_pending(engine)
    again = submit(client, "/invoicing/?quarter=2026-Q1", {"quarter": "2026-Q1"}, "/invoicing/drafts/run")
    assert again.status_code == 302  # the first run is done: it may run again
    assert len(db.execute(sa.select(Job)).scalars().all()) == 2
