"""Bad billing input becomes a BillingInputError naming the learner and the field."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from billing.errors import BillingInputError
from billing.model import Contract, Lesson


def test_a_contract_without_an_hourly_rate_is_refused(make_learner):
    with pytest.raises(BillingInputError, match=r"^contract\.hourly_rate: is missing.*L-1"):
        make_learner(contract=Contract(price_cents=100_000, hourly_rate_cents=None))


def test_a_contract_with_a_zero_price_is_refused(make_learner):
    with pytest.raises(BillingInputError, match=r"^contract\.price: must be a positive"):
        make_learner(contract=Contract(price_cents=0, hourly_rate_cents=1_000))


def test_a_learner_without_a_contract_is_refused(make_learner):
    with pytest.raises(BillingInputError, match="^contract: is missing"):
        make_learner(contract=None)


@pytest.mark.parametrize("bsn", [None, "", "   "])
def test_a_learner_without_a_bsn_is_refused(make_learner, bsn):
    with pytest.raises(BillingInputError, match="^bsn: is missing") as info:
        make_learner(bsn=bsn)
    assert info.value.learner_id == "L-1"


def test_a_bsn_failing_the_elfproef_is_refused_without_echoing_it(make_learner):
    with pytest.raises(BillingInputError, match="elfproef") as info:
        make_learner(bsn="111222334")
    assert "111222334" not in str(info.value)


def test_negative_attended_hours_are_refused_naming_the_lesson(make_learner):
    lessons = (Lesson(date(2026, 7, 6), Decimal(2)), Lesson(date(2026, 7, 7), Decimal(-1)))
    with pytest.raises(BillingInputError, match=r"^lessons\[1\]\.hours: must not be negative"):
        make_learner(lessons=lessons)


def test_a_negative_remaining_loan_is_refused(make_learner):
    with pytest.raises(BillingInputError, match="^loan_remaining: "):
        make_learner(loan_remaining_cents=-1)


def test_money_as_a_float_is_refused(make_learner):
    with pytest.raises(BillingInputError, match="whole cents"):
        make_learner(loan_remaining_cents=12.5)


def test_an_error_path_can_be_prefixed_by_the_parser():
    error = BillingInputError("contract.price", "must be a positive decimal", "L-9")
    assert str(error.within("learners[3]")) == (
        "learners[3].contract.price: must be a positive decimal (learner L-9)")


def test_a_lesson_dated_with_a_datetime_is_refused_as_they_do_not_compare(make_learner):
    with pytest.raises(BillingInputError, match=r"^lessons\[0\]\.date: must be a date"):
        make_learner(lessons=(Lesson(datetime(2026, 7, 6, 9, 0), Decimal(2)),))


def test_a_lesson_with_hours_that_are_not_a_decimal_is_refused(make_learner):
    with pytest.raises(BillingInputError, match=r"^lessons\[0\]\.hours: must be a decimal"):
        make_learner(lessons=(Lesson(date(2026, 7, 6), 2.5),))
