"""Reading import files and checking their rows, without a database."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from provider_portal.transfer.cells import CellError, parse_bsn, parse_date, parse_decimal
from provider_portal.transfer.tables import TableError, read_table
from provider_portal.transfer.validation import (
    Lookups,
    validate_contracts,
    validate_enrolments,
    validate_learners,
)

TODAY = date(2026, 11, 23)
HEADER = ("bsn;voornaam;achternaam;geboortedatum;migrant_type;route;gemeente;postcode;talen;begin_termijn;"
          "lening")
GOOD = "111222333;Helen;Berhane;12-09-1994;asiel;B1;Utrecht;3512 JK;ti,ar;2025-06-01;10.000,00"


def _table(*lines: str, name: str = "learners.csv"):
    return read_table(name, "\n".join(lines).encode("utf-8"))


def test_a_bsn_must_pass_the_elfproef_and_gets_a_lost_leading_zero_back() -> None:
    assert parse_bsn("111222333") == "111222333"
    assert parse_bsn(12345672) == "012345672"
    with pytest.raises(CellError):
        parse_bsn("123456789")


def test_dates_and_amounts_are_read_in_dutch_and_iso_notation() -> None:
    assert parse_date("01-06-2025") == parse_date("2025-06-01") == date(2025, 6, 1)
    assert parse_decimal("1.234,50") == parse_decimal("1234.50") == Decimal("1234.50")
    with pytest.raises(CellError):
        parse_date("31-02-2025")


def test_headers_are_matched_in_dutch_or_english_whatever_their_case() -> None:
    table = _table(HEADER.replace("voornaam", "First Name").replace("gemeente", "Municipality"), GOOD)
    checked = validate_learners(table, Lookups(), TODAY)
    assert checked.errors == []
    [(row, data)] = checked.items
    assert row == 2 and data.first_name == "Helen" and data.municipality == "Utrecht"
    assert data.languages == ("ti", "ar") and data.loan_amount == Decimal("10000.00")
    assert data.postcode == "3512JK"


def test_every_bad_cell_of_every_row_is_reported_with_row_and_column() -> None:
    bad_bsn = GOOD.replace("111222333", "123456789")
    bad_many = "222222220;Sara;;1990-01-01;asiel;X;Atlantis;3512 JK;ti;2025-06-01;tien"
    checked = validate_learners(_table(HEADER, GOOD, bad_bsn, "", bad_many), Lookups(), TODAY)
    assert [row for row, _data in checked.items] == [2]
    found = {(e.row, e.column) for e in checked.errors}
    assert found == {(3, "bsn"), (5, "achternaam"), (5, "route"), (5, "gemeente"), (5, "lening")}


def test_a_bsn_twice_in_the_file_or_already_stored_is_a_row_error() -> None:
    other = GOOD.replace("111222333", "222222220")
    stored = Lookups(learner_ids={"222222220": 9})
    checked = validate_learners(_table(HEADER, GOOD, GOOD, other), stored, TODAY)
    assert [(e.row, e.column) for e in checked.errors] == [(3, "bsn"), (4, "bsn")]


def test_unknown_and_missing_columns_are_reported_on_the_header_row() -> None:
    checked = validate_learners(_table("bsn;voornaam;shoe_size", "111222333;Helen;42"), Lookups(), TODAY)
    columns = {e.column for e in checked.errors if e.row == 1}
    assert "shoe_size" in columns and "achternaam" in columns and checked.items == []


def test_contracts_need_a_known_learner_and_an_unused_number() -> None:
    table = _table("bsn;contractnummer;begindatum;einddatum;ingekochte_uren;uurtarief",
                   "111222333;2026-0001;2026-01-01;2026-12-31;600;14,50",
                   "222222220;2026-0002;2026-01-01;2026-12-31;600;14,50",
                   "111222333;2026-0009;2026-01-01;2025-12-31;0;14,50")
    lookups = Lookups(learner_ids={"111222333": 1}, contract_numbers=frozenset({"2026-0009"}))
    checked = validate_contracts(table, lookups)
    assert [(e.row, e.column) for e in checked.errors] == [
        (3, "bsn"), (4, "contractnummer"), (4, "einddatum"), (4, "ingekochte_uren")]
    assert checked.items[0][1][1].hourly_rate == Decimal("14.50")


def test_an_xlsx_sheet_is_read_like_a_csv_with_real_date_cells() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append([111222333, "Helen", "Berhane", date(1994, 9, 12), "asiel", "B1", "Utrecht", "3512 JK",
                  "ti", date(2025, 6, 1), 10000])
    out = io.BytesIO()
    book.save(out)
    checked = validate_learners(read_table("learners.xlsx", out.getvalue()), Lookups(), TODAY)
    assert checked.errors == [] and checked.items[0][1].date_of_birth == date(1994, 9, 12)


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused_as_a_whole() -> None:
    with pytest.raises(TableError):
        read_table("learners.pdf", b"%PDF")
    with pytest.raises(TableError):
        read_table("learners.xlsx", b"not a zip")


def test_the_documented_example_files_pass_every_check() -> None:
    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    learners = validate_learners(read_table("learners.csv", (examples / "learners.csv").read_bytes()),
                                 Lookups(), TODAY)
    xlsx = validate_learners(read_table("learners.xlsx", (examples / "learners.xlsx").read_bytes()),
                             Lookups(), TODAY)
    assert learners.errors == xlsx.errors == [] and len(learners.items) == len(xlsx.items) == 3
    stored = Lookups(learner_ids={data.bsn: n for n, (_row, data) in enumerate(learners.items)},
                     class_ids={"a2 ochtend": (1,), "b1 avond": (2,), "alfa middag": (3,)})
    contracts = validate_contracts(read_table("c.csv", (examples / "contracts.csv").read_bytes()), stored)
    enrolments = validate_enrolments(read_table("e.csv", (examples / "enrolments.csv").read_bytes()), stored)
    assert (contracts.errors, enrolments.errors) == ([], [])
    assert len(contracts.items) == len(enrolments.items) == 3


def test_reading_stops_at_the_first_row_over_the_limit_and_never_reads_the_rest(monkeypatch) -> None:
    from provider_portal.transfer import tables

    monkeypatch.setattr(tables, "MAX_ROWS", 50)
    too_long = "x" * 20_000  # would be refused as an over-long cell if the reader got that far
    lines = [HEADER] + [GOOD] * 51 + [f"111222333;{too_long}"]
    with pytest.raises(TableError, match="more than 50 rows"):
        _table(*lines)


def test_a_sheet_with_a_far_away_cell_is_refused_without_reading_every_blank_row(monkeypatch) -> None:
    from provider_portal.transfer import tables

    monkeypatch.setattr(tables, "MAX_LINES", 500)
    book = Workbook()
    book.active.append(HEADER.split(";"))
    book.active.append(GOOD.split(";"))
    book.active["A100000"] = "x"  # read-only openpyxl yields the 99,997 blank rows in between
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(TableError, match="more than 500 rows"):
        read_table("learners.xlsx", out.getvalue())
