"""Quarters, month arithmetic and cent handling."""

from datetime import date
from decimal import Decimal

import pytest

from billing.errors import BillingInputError
from billing.model import CapTable
from billing.money import format_cents, format_euro_nl, parse_cents, round_half_up_cents
from billing.quarters import Quarter, add_months


def test_a_quarter_parses_prints_and_knows_its_first_and_last_day() -> None:
    q = Quarter.parse("2026-Q3")
    assert (str(q), q.first_day, q.last_day) == ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))


def test_next_and_previous_quarters_cross_the_year() -> None:
    assert Quarter.parse("2026-Q4").next() == Quarter(2027, 1)
    assert Quarter.parse("2027-Q1").prev() == Quarter(2026, 4)


@pytest.mark.parametrize("text", ["2026-Q5", "2026Q3", "Q3-2026", "", "2026-q3"])
def test_a_malformed_quarter_is_refused_with_the_field_name(text: str) -> None:
    with pytest.raises(BillingInputError, match="^quarter: "):
        Quarter.parse(text)


def test_the_quarter_of_a_date() -> None:
    assert Quarter.of(date(2026, 12, 31)) == Quarter(2026, 4)
    assert Quarter.of(date(2026, 4, 1)) == Quarter(2026, 2)


def test_adding_months_clamps_to_the_end_of_a_short_month() -> None:
    assert add_months(date(2026, 10, 31), 4) == date(2027, 2, 28)
    assert add_months(date(2027, 10, 31), 4) == date(2028, 2, 29)
    assert add_months(date(2026, 9, 18), 4) == date(2027, 1, 18)


def test_amounts_parse_to_cents_and_refuse_floats_and_third_decimals() -> None:
    assert parse_cents("1250.5", "x") == 125_050
    with pytest.raises(BillingInputError, match="more than two decimals"):
        parse_cents("1.005", "x")
    with pytest.raises(BillingInputError, match="not a float"):
        parse_cents(12.5, "x")


def test_half_cents_round_up_and_format_with_two_decimals() -> None:
    assert round_half_up_cents(Decimal("1234.5")) == 1235
    assert round_half_up_cents(Decimal("1234.49")) == 1234
    assert format_cents(125_005) == "1250.05"
    assert format_euro_nl(123_456_789) == "€ 1.234.567,89"


def test_the_default_cap_is_1250_euro_from_the_far_past() -> None:
    assert CapTable().cap_for(Quarter(2026, 3)) == 125_000


def test_an_administrator_can_raise_the_cap_from_a_later_quarter() -> None:
    caps = CapTable().with_setting(200_000, Quarter(2027, 1))
    assert caps.cap_for(Quarter(2026, 4)) == 125_000
    assert caps.cap_for(Quarter(2027, 1)) == 200_000
    assert caps.cap_for(Quarter(2030, 2)) == 200_000


def test_a_cap_table_without_settings_is_refused() -> None:
    with pytest.raises(BillingInputError, match="cap_table"):
        CapTable(())


@pytest.mark.parametrize(("typed", "euros"), [
    ("1234,50", "1234.50"), ("1.234,50", "1234.50"), ("1234.50", "1234.50"), ("€ 1.000,00", "1000.00"),
    ("EUR -5", "-5"), ("-250.5", "-250.5"), ("12.345.678,9", "12345678.9"), ("€\xa01.250,50", "1250.50"),
])
def test_typed_euros_are_read_exactly(typed: str, euros: str) -> None:
    from decimal import Decimal

    from billing.money import parse_euros
    assert parse_euros(typed, "amount") == Decimal(euros)


@pytest.mark.parametrize("typed", ["", "abc", "1.000", "-12.500", "1,2,3", "1e5", "nan", "inf", "12,34.5"])
def test_untypable_or_ambiguous_euros_are_refused_naming_the_field(typed: str) -> None:
    from billing.money import parse_euros
    with pytest.raises(BillingInputError) as refused:
        parse_euros(typed, "amount")
    assert refused.value.where == "amount"


def test_euros_read_the_same_in_every_locale_babel_writes() -> None:
    from billing.money import format_euro
    assert format_euro(125_050, "nl_NL") == "€\xa01.250,50"
    assert format_euro(125_050, "en") == "€1,250.50"
