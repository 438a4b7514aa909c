"""DUO's rule: a credit note frees cap room in the quarter in which it is paid, and only then.

A paid credit note is a negative amount in the quarter of payment; the quarter of the invoice it
corrects stays as full as it was.
"""

from datetime import date

import pytest

from billing.errors import BillingInputError
from billing.model import Contract, QuarterAmount
from billing.quarters import Quarter
from billing.result import FlagKind
from billing.result import LineKind as K

Q2, Q3 = Quarter(2026, 2), Quarter(2026, 3)
Q2_START, Q3_START = date(2026, 4, 6), date(2026, 7, 6)


@pytest.fixture
def corrected(make_learner, weekly, earlier):
    """EUR 1560 delivered in Q2 (EUR 1250 invoiced, EUR 310 held back), EUR 1200 in Q3."""
    lessons = weekly(Q2_START, 13, hours="12") + weekly(Q3_START, 10, hours="12")
    return make_learner(
        lessons=lessons, invoiced=(earlier("2026-Q2", 1250),), loan_remaining_cents=1_000_000 - 125_000
    )


def test_a_credit_note_paid_in_q3_for_a_q2_invoice_frees_room_in_q3(corrected, bill):
    paid = corrected.with_credit_note(Q3, 125_000)
    q3 = bill(paid, "2026-Q3")
    # room 1250 + 1250: everything credited and held back from Q2 first, then Q3's lessons
    assert (q3.amount(K.CARRIED_OVER), q3.amount(K.DELIVERED)) == (156_000, 94_000)
    assert (q3.invoice_cents, q3.amount(K.HELD_BACK_BY_CAP)) == (250_000, 26_000)
    assert [flag.kind for flag in q3.flags] == [FlagKind.CAP_ROOM_FREED]
    assert "EUR 1250.00" in q3.flags[0].message
    held = next(line for line in q3.lines if line.kind is K.HELD_BACK_BY_CAP)
    assert "plus EUR 1250.00 freed by credit notes paid in 2026-Q3" in held.explanation


def test_the_corrected_quarter_stays_full_when_its_credit_note_is_paid_later(corrected, bill):
    q2 = bill(corrected, "2026-Q2")  # the credit note, paid in Q3, is not part of Q2's history
    assert (q2.invoice_cents, q2.amount(K.HELD_BACK_BY_CAP)) == (0, 31_000)
    with pytest.raises(BillingInputError, match=r"invoiced\[1\]\.quarter: 2026-Q3 lies after 2026-Q2"):
        bill(corrected.with_credit_note(Q3, 125_000), "2026-Q2")


def test_an_unpaid_credit_note_frees_nothing_yet(corrected, bill):
    q3 = bill(corrected, "2026-Q3")  # issued but not paid: left out of the input
    assert (q3.invoice_cents, q3.amount(K.CARRIED_OVER), q3.amount(K.HELD_BACK_BY_CAP)) == (
        125_000,
        31_000,
        26_000,
    )
    assert q3.flags == ()


def test_a_quarter_may_net_below_zero_and_its_room_exceeds_the_cap(make_learner, bill, weekly, earlier):
    learner = make_learner(
        lessons=weekly(Q3_START, 13, hours="12"), invoiced=(earlier("2026-Q2", 300), earlier("2026-Q3", -300))
    )
    result = bill(learner, "2026-Q3")  # 1560 delivered in Q3 (the Q2 invoice was wrong)
    assert (result.invoice_cents, result.open_after_cents) == (155_000, 1_000)


def test_a_credit_note_of_another_provider_paid_in_the_quarter_frees_room_too(
    make_learner, bill, weekly, earlier
):
    learner = make_learner(
        lessons=weekly(Q3_START, 13, hours="12"),
        invoiced_by_others=(earlier("2026-Q2", 1000), earlier("2026-Q3", 800), earlier("2026-Q3", -400)),
    )
    result = bill(learner, "2026-Q3")
    assert result.invoice_cents == 125_000 - 80_000 + 40_000
    assert "freed EUR 400.00" in result.flags[0].message


def test_the_contract_price_holds_on_the_net_total(make_learner, bill, weekly, earlier):
    learner = make_learner(
        lessons=weekly(Q2_START, 10, hours="20") + weekly(Q3_START, 10, hours="20"),
        contract=Contract(200_000, 1_000),
        invoiced=(earlier("2026-Q2", 2000), earlier("2026-Q3", -500)),
    )
    result = bill(learner, "2026-Q3")  # room 1750, but only 500 of the price is left
    assert (result.invoice_cents, result.amount(K.ABOVE_CONTRACT)) == (50_000, 200_000)


def test_the_loan_comes_back_with_the_paid_credit_note_and_still_limits(make_learner, bill, weekly, earlier):
    learner = make_learner(
        lessons=weekly(Q2_START, 10, hours="10") + weekly(Q3_START, 13, hours="12"),
        invoiced=(earlier("2026-Q2", 1000),),
        loan_remaining_cents=0,
    )
    paid = learner.with_credit_note(Q3, 30_000)
    assert paid.loan_remaining_cents == 30_000
    result = bill(paid, "2026-Q3")  # open 300 + 1560, room 1250 + 300, loan 300
    assert (result.invoice_cents, result.amount(K.HELD_BACK_BY_LOAN), result.amount(K.HELD_BACK_BY_CAP)) == (
        30_000,
        125_000,
        31_000,
    )


def test_a_credit_note_settles_an_over_invoice_and_frees_room_for_nothing_more(
    make_learner, bill, weekly, earlier
):
    learner = make_learner(lessons=weekly(Q2_START, 10), invoiced=(earlier("2026-Q2", 500),))
    assert bill(learner, "2026-Q3").flags[0].kind is FlagKind.OVER_INVOICED
    settled = bill(learner.with_credit_note(Q3, 10_000), "2026-Q3")
    assert [flag.kind for flag in settled.flags] == [FlagKind.CAP_ROOM_FREED]
    assert (settled.invoice_cents, settled.open_after_cents) == (0, 0)


@pytest.mark.parametrize(
    ("field", "amounts", "message"),
    [
        (
            "invoiced",
            (("2026-Q2", 500), ("2026-Q3", -600)),
            r"^invoiced: the net amount up to 2026-Q3 is negative.*\(learner L-1\)$",
        ),
        (
            "invoiced",
            (("2026-Q2", -500), ("2026-Q3", 500)),
            r"^invoiced: the net amount up to 2026-Q2 is negative",
        ),
        (
            "invoiced_by_others",
            (("2026-Q3", -1),),
            r"^invoiced_by_others: the net amount up to 2026-Q3 is negative",
        ),
    ],
)
def test_credit_notes_that_credit_more_than_was_invoiced_before_are_refused(
    make_learner, earlier, field, amounts, message
):
    with pytest.raises(BillingInputError, match=message) as info:
        make_learner(**{field: tuple(earlier(q, euros) for q, euros in amounts)})
    assert (info.value.where, info.value.learner_id) == (field, "L-1")


def test_an_amount_that_is_not_whole_cents_is_refused_naming_the_entry(make_learner):
    with pytest.raises(BillingInputError, match=r"^invoiced\[0\]\.amount: must be an amount in whole cents"):
        make_learner(invoiced=(QuarterAmount(Q2, -12.5),))
