"""Each billing rule of DUO's quarterly cap, one behaviour per test."""

from datetime import date
from decimal import Decimal

import pytest

from billing.errors import AdvanceBillingError, BillingInputError
from billing.model import CapTable, Contract, KeurmerkPeriod, Lesson, ProviderBilling
from billing.quarters import Quarter
from billing.result import FlagKind
from billing.result import LineKind as K

Q3_START = date(2026, 7, 6)


def test_value_delivered_within_the_cap_is_invoiced_as_delivered(make_learner, bill, weekly):
    result = bill(make_learner(lessons=weekly(Q3_START, 10)), "2026-Q3")  # 40 h x EUR 10
    assert result.invoice_cents == 40_000
    assert [(line.kind, line.amount_cents) for line in result.lines] == [(K.DELIVERED, 40_000)]


def test_the_cap_holds_back_the_excess_and_carries_it_into_the_next_quarter(
    make_learner, bill, weekly, earlier
):
    learner = make_learner(lessons=weekly(Q3_START, 13, hours="12"))  # 156 h = EUR 1560
    q3 = bill(learner, "2026-Q3")
    assert (q3.invoice_cents, q3.amount(K.HELD_BACK_BY_CAP), q3.open_after_cents) == (
        125_000, 31_000, 31_000)
    q4 = bill(learner.with_invoice(Quarter(2026, 3), 125_000), "2026-Q4")
    assert (q4.amount(K.CARRIED_OVER), q4.amount(K.DELIVERED), q4.open_after_cents) == (
        31_000, 0, 0)


def test_other_providers_invoices_in_the_quarter_count_towards_the_cap(
    make_learner, bill, weekly, earlier
):
    learner = make_learner(lessons=weekly(Q3_START, 10, hours="12"),
                           invoiced_by_others=(earlier("2026-Q3", 1000),))
    result = bill(learner, "2026-Q3")
    assert result.invoice_cents == 25_000
    assert result.amount(K.HELD_BACK_BY_CAP) == 95_000
    assert [flag.kind for flag in result.flags] == [FlagKind.INVOICED_BY_OTHERS]
    assert "other providers invoiced EUR 1000.00" in result.flags[0].message
    held = next(line for line in result.lines if line.kind is K.HELD_BACK_BY_CAP)
    assert "minus EUR 1000.00 invoiced by other providers" in held.explanation


def test_an_invoice_already_issued_this_quarter_leaves_only_the_rest_of_the_cap(
    make_learner, bill, weekly, earlier
):
    learner = make_learner(lessons=weekly(Q3_START, 13, hours="12"),
                           invoiced=(earlier("2026-Q3", 1000),))
    result = bill(learner, "2026-Q3")
    assert (result.invoice_cents, result.open_after_cents) == (25_000, 31_000)


def test_after_the_exam_the_whole_open_amount_is_released_above_the_cap(
    make_learner, bill, weekly
):
    learner = make_learner(lessons=weekly(Q3_START, 13, hours="12"),
                           obligation_met_on=date(2026, 9, 25))
    result = bill(learner, "2026-Q3")
    assert result.invoice_cents == 156_000
    assert (result.amount(K.DELIVERED), result.amount(K.RELEASED_AFTER_EXAM)) == (125_000, 31_000)
    assert result.open_after_cents == 0


def test_an_exam_passed_after_the_quarter_ended_releases_nothing_yet(make_learner, bill, weekly):
    learner = make_learner(lessons=weekly(Q3_START, 13, hours="12"),
                           obligation_met_on=date(2026, 10, 2))
    result = bill(learner, "2026-Q3", invoice_date=date(2026, 10, 5))
    assert (result.invoice_cents, result.amount(K.RELEASED_AFTER_EXAM)) == (125_000, 0)


def test_the_last_invoice_after_the_exam_is_flagged_with_its_four_month_deadline(
    make_learner, bill, weekly
):
    learner = make_learner(lessons=weekly(Q3_START, 4), obligation_met_on=date(2026, 9, 18))
    flag = bill(learner, "2026-Q3").flags[0]
    assert (flag.kind, flag.due, flag.overdue) == (
        FlagKind.FINAL_INVOICE_DEADLINE, date(2027, 1, 18), False)


def test_nothing_is_invoiced_after_the_four_months_following_the_exam(make_learner, bill, weekly):
    learner = make_learner(lessons=weekly(Q3_START, 4), obligation_met_on=date(2026, 9, 18))
    result = bill(learner, "2026-Q3", invoice_date=date(2027, 1, 19))
    assert result.flags[0].overdue
    assert (result.invoice_cents, result.amount(K.HELD_BACK_DEADLINE)) == (0, 16_000)


def test_never_more_than_the_contract_price_in_total(make_learner, bill, weekly, earlier):
    learner = make_learner(lessons=weekly(date(2026, 4, 6), 12, hours="10")
                           + weekly(Q3_START, 10, hours="10"),
                           contract=Contract(200_000, 1_000),
                           invoiced=(earlier("2026-Q2", 1200),))
    result = bill(learner, "2026-Q3")
    assert result.invoice_cents == 80_000
    assert result.amount(K.ABOVE_CONTRACT) == 20_000
    assert result.open_after_cents == 0


def test_never_more_than_the_remaining_loan_and_the_rest_stays_open(make_learner, bill, weekly):
    learner = make_learner(lessons=weekly(Q3_START, 10), loan_remaining_cents=15_000)
    result = bill(learner, "2026-Q3")
    assert (result.invoice_cents, result.amount(K.HELD_BACK_BY_LOAN)) == (15_000, 25_000)
    assert result.open_after_cents == 25_000


def test_lessons_given_while_the_keurmerk_was_not_valid_are_never_billable(
    make_learner, bill, weekly
):
    gap = ProviderBilling("P-1", (KeurmerkPeriod(date(2020, 1, 1), date(2026, 7, 31)),
                                  KeurmerkPeriod(date(2026, 9, 1))))
    result = bill(make_learner(lessons=weekly(Q3_START, 12)), "2026-Q3", with_provider=gap)
    # 5 weekly lessons (3, 10, 17, 24, 31 August) fall in the gap
    assert (result.invoice_cents, result.amount(K.NO_KEURMERK)) == (28_000, 20_000)


def test_work_done_before_losing_the_keurmerk_is_billable_for_four_months(
    make_learner, bill, weekly
):
    lost = ProviderBilling("P-1", (KeurmerkPeriod(date(2020, 1, 1), date(2026, 9, 30)),))
    learner = make_learner(lessons=weekly(Q3_START, 4))
    on_time = bill(learner, "2026-Q3", with_provider=lost, invoice_date=date(2027, 1, 30))
    late = bill(learner, "2026-Q3", with_provider=lost, invoice_date=date(2027, 2, 1))
    assert on_time.flags[0].kind is FlagKind.KEURMERK_LOST_DEADLINE
    assert (on_time.invoice_cents, on_time.flags[0].due) == (16_000, date(2027, 1, 30))
    assert (late.invoice_cents, late.amount(K.HELD_BACK_DEADLINE)) == (0, 16_000)


def test_a_provider_that_never_held_a_keurmerk_bills_nothing(make_learner, bill, weekly):
    result = bill(make_learner(lessons=weekly(Q3_START, 4)), "2026-Q3",
                  with_provider=ProviderBilling("P-1", ()))
    assert result.invoice_cents == 0
    assert result.amount(K.NO_KEURMERK) == 16_000


def test_lessons_that_did_not_take_place_count_for_nothing(make_learner, bill):
    lessons = (Lesson(Q3_START, Decimal(3)),
               Lesson(date(2026, 7, 13), Decimal(3), took_place=False))
    assert bill(make_learner(lessons=lessons), "2026-Q3").invoice_cents == 3_000


def test_lessons_after_the_contract_ended_are_not_billable(make_learner, bill, weekly):
    contract = Contract(900_000, 1_000, terminated_on=date(2026, 7, 31))
    result = bill(make_learner(contract=contract, lessons=weekly(Q3_START, 8)), "2026-Q3")
    assert (result.invoice_cents, result.amount(K.AFTER_TERMINATION)) == (16_000, 16_000)


def test_a_quarter_that_has_not_ended_cannot_be_billed_in_advance(make_learner, bill, weekly):
    with pytest.raises(AdvanceBillingError, match="2026-Q3 ends on 2026-09-30"):
        bill(make_learner(lessons=weekly(Q3_START, 4)), "2026-Q3", invoice_date=date(2026, 9, 30))


def test_lessons_of_later_quarters_are_left_for_those_quarters(make_learner, bill, weekly):
    learner = make_learner(lessons=weekly(Q3_START, 4) + weekly(date(2026, 10, 5), 4))
    result = bill(learner, "2026-Q3", invoice_date=date(2026, 11, 1))
    assert result.invoice_cents == 16_000


def test_hours_times_rate_is_rounded_half_up_once_per_quarter(make_learner, bill):
    contract = Contract(900_000, 1_001)  # EUR 10.01 an hour
    lessons = (Lesson(Q3_START, Decimal("0.25")), Lesson(date(2026, 7, 7), Decimal("0.25")))
    # 0.5 h x 1001 ct = 500.5 ct -> 501 ct; per lesson it would have been 250 + 250
    assert bill(make_learner(contract=contract, lessons=lessons), "2026-Q3").invoice_cents == 501


def test_a_raised_cap_applies_from_its_quarter_on(make_learner, bill, weekly):
    caps = CapTable().with_setting(200_000, Quarter(2027, 1))
    learner = make_learner(lessons=weekly(date(2027, 1, 4), 13, hours="12"))
    assert bill(learner, "2027-Q1", caps=caps).invoice_cents == 156_000
    assert bill(learner, "2027-Q1").invoice_cents == 125_000


def test_invoices_of_a_later_quarter_are_refused_naming_the_learner(make_learner, bill, earlier):
    learner = make_learner(invoiced=(earlier("2026-Q4", 10),))
    with pytest.raises(BillingInputError, match=r"invoiced\[0\]\.quarter: .*\(learner L-1\)"):
        bill(learner, "2026-Q3")


def test_more_invoiced_than_delivered_is_flagged_for_a_credit_note(make_learner, bill, earlier):
    result = bill(make_learner(invoiced=(earlier("2026-Q2", 10),)), "2026-Q3")
    assert [flag.kind for flag in result.flags] == [FlagKind.OVER_INVOICED]
    assert result.invoice_cents == 0
