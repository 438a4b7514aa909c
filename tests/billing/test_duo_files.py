"""DUO's invoice CSV out, and its result and status files in, with every bad row reported."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import pytest

from billing.documents import Party, invoice_lines_from
from billing.duo_csv import INVOICE_COLUMNS, invoice_csv, invoice_file_name
from billing.duo_import import DuoStatus, RowError, parse_result_file, parse_status_file
from billing.errors import BillingInputError, ExportError
from billing.quarters import Quarter
from billing.result import LearnerQuarter, LineKind, QuarterLine

BSN = "111222333"
OTHER_BSN = "123456782"


def rows(text: str) -> list[dict[str, str]]:
    """The CSV as dictionaries keyed by the header."""
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_invoice_file_has_the_documented_header_and_one_row_per_document(invoice, credit_note):
    text = invoice_csv(invoice.seller, [invoice, credit_note])
    assert text.splitlines()[0] == ";".join(INVOICE_COLUMNS)
    assert text.endswith("\r\n")
    first, second = rows(text)
    assert (first["bow_nummer"], first["factuurnummer"], first["soort"]) == (
        "BOW1234", "2026-00042", "FACTUUR")
    assert (first["bsn"], first["periode"], first["bedrag"]) == (BSN, "2026-Q3", "1250.00")
    assert (first["periode_begin"], first["periode_einde"]) == ("2026-07-01", "2026-09-30")
    assert (second["soort"], second["gecorrigeerde_factuur"], second["bedrag"]) == (
        "CREDITNOTA", "2026-00042", "66.00")


def test_the_file_name_follows_the_bow_number_and_date_pattern():
    assert invoice_file_name("BOW1234", date(2026, 10, 1), 2) == "BOW1234Facturen20261001-002.csv"


def test_exporting_a_batch_without_issued_invoices_is_refused(invoice):
    with pytest.raises(ExportError, match="no issued invoices"):
        invoice_csv(invoice.seller, [])


def test_a_document_of_another_provider_cannot_join_the_batch(invoice):
    other = Party("Andere school", "Straat 1", "1000 AA", "Amsterdam", kvk="87654321",
                  iban="NL91ABNA0417164300", bow_number="BOW9999")
    with pytest.raises(ExportError, match="2026-00042 belongs to BOW BOW1234"):
        invoice_csv(other, [invoice])


def test_a_learner_name_is_never_written_as_a_spreadsheet_formula(invoice):
    sneaky = replace(invoice, learner=replace(invoice.learner, name="=HYPERLINK(1)"))
    assert rows(invoice_csv(invoice.seller, [sneaky]))[0]["naam_inburgeraar"] == "'=HYPERLINK(1)"


def test_an_invoice_without_a_bsn_cannot_be_made(invoice):
    with pytest.raises(BillingInputError, match="learner.bsn"):
        replace(invoice, learner=replace(invoice.learner, bsn=""))


def test_invoice_lines_come_from_the_invoiced_lines_of_a_quarter_result():
    q = Quarter(2026, 3)
    result = LearnerQuarter("L-1", q, 125_000, 150_000, 125_000, 25_000, (
        QuarterLine("L-1", q, LineKind.DELIVERED, 125_000, ""),
        QuarterLine("L-1", q, LineKind.HELD_BACK_BY_CAP, 25_000, "")))
    (line,) = invoice_lines_from(result)
    assert (line.amount_cents, line.description) == (125_000, "Gevolgde lessen 2026-Q3 "
                                                              "(aanwezige uren x uurtarief)")


RESULT = (
    "factuurnummer;bsn;resultaat;foutcode;foutomschrijving\r\n"
    f"2026-00042;{BSN};OK;;\r\n"
    f"2026-00043;{OTHER_BSN};FOUT;F12;Kwartaalplafond overschreden\r\n"
)


def test_the_result_file_marks_ok_rows_submitted_and_fout_rows_rejected_with_the_code():
    report = parse_result_file(RESULT.encode("utf-8-sig"))
    assert report.ok
    ok, fout = report.updates
    assert (ok.invoice_number, ok.status) == ("2026-00042", DuoStatus.SUBMITTED)
    assert (fout.status, fout.reason, fout.row) == (
        DuoStatus.REJECTED, "F12 Kwartaalplafond overschreden", 3)


def test_every_bad_row_of_a_result_file_is_reported_with_row_and_column():
    text = RESULT + f";{BSN};OK;;\r\n2026-00045;123456789;OK;;\r\n2026-00046;{BSN};MISSCHIEN;;\r\n" \
                    f"2026-00047;{BSN};FOUT;;\r\n2026-00048;{BSN};OK\r\n"
    report = parse_result_file(text)
    assert not report.ok
    assert len(report.updates) == 2
    assert [(e.row, e.column) for e in report.errors] == [
        (4, "factuurnummer"), (5, "bsn"), (6, "resultaat"), (7, "foutcode"), (8, "-")]
    assert "123456789" not in " ".join(str(e) for e in report.errors)


def test_a_file_missing_a_column_is_reported_on_the_header_row():
    report = parse_result_file("factuurnummer;bsn;resultaat\r\n2026-00042;111222333;OK\r\n")
    assert report.errors == (RowError(1, "foutcode", "column is missing from the header"),
                             RowError(1, "foutomschrijving", "column is missing from the header"))
    assert report.updates == ()


def test_the_weekly_status_file_maps_every_duo_status():
    text = ("factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\n"
            f"2026-00042;{BSN};BETAALD;2026-11-20;1250.00;\n"
            f"2026-00043;{BSN};GOEDGEKEURD;2026-11-18;;\n"
            f"2026-00044;{BSN};AFGEWEZEN;2026-11-18;;lessen niet gevolgd\n"
            f"2026-00045;{BSN};INGEDIEND;2026-11-17;;\n")
    report = parse_status_file(text)
    assert report.ok
    assert [u.status for u in report.updates] == [
        DuoStatus.PAID, DuoStatus.ACCEPTED, DuoStatus.REJECTED, DuoStatus.SUBMITTED]
    assert (report.updates[0].paid_cents, report.updates[0].status_date) == (
        125_000, date(2026, 11, 20))
    assert report.updates[2].reason == "lessen niet gevolgd"


def test_bad_rows_of_the_status_file_name_date_amount_status_and_reason():
    text = ("factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\n"
            f"2026-00042;{BSN};BETAALD;2026-13-01;1250.00;\n"
            f"2026-00043;{BSN};BETAALD;2026-11-20;twaalf;\n"
            f"2026-00044;{BSN};VERLOREN;2026-11-20;;\n"
            f"2026-00045;{BSN};AFGEWEZEN;2026-11-20;;\n")
    errors = parse_status_file(text).errors
    assert [(e.row, e.column) for e in errors] == [
        (2, "statusdatum"), (3, "betaald_bedrag"), (4, "status"), (5, "reden")]


def test_a_status_file_that_is_not_utf8_is_reported_not_crashed():
    report = parse_status_file(b"factuurnummer;bsn\n\xff\xfe\xfa")
    assert report.errors[0].column == "-" and "not UTF-8" in report.errors[0].reason


def test_a_negative_zero_or_malformed_paid_amount_is_a_row_error_never_a_payment():
    text = ("factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\n"
            f"2026-00042;{BSN};BETAALD;2026-11-20;-1044.00;\n"
            f"2026-00043;{BSN};BETAALD;2026-11-20;0.00;\n"
            f"2026-00044;{BSN};BETAALD;2026-11-20;1e3;\n"
            f"2026-00045;{BSN};BETAALD;2026-11-20;12.345;\n"
            f"2026-00046;{BSN};BETAALD;2026-11-20;NaN;\n"
            f"2026-00047;{BSN};BETAALD;2026-11-20;1044.5;\n")
    report = parse_status_file(text)
    assert [(e.row, e.column) for e in report.errors] == [(n, "betaald_bedrag") for n in range(2, 7)]
    assert "negative" in report.errors[0].reason
    assert [u.paid_cents for u in report.updates] == [104_450]


def test_a_row_error_keeps_its_template_and_values_for_translation():
    error = parse_status_file(f"factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\n"
                              f"2026-00042;{BSN};BETAALD;gisteren;1.00;\n").errors[0]
    assert error.template == "'%(value)s' is not a date (YYYY-MM-DD)"
    assert error.reason == error.template % dict(error.params) == "'gisteren' is not a date (YYYY-MM-DD)"
