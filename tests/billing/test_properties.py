"""Property-based tests over random multi-quarter histories: the rules hold whatever happens.

Histories include credit notes, of this provider and of others, paid in a later quarter than the
invoice they correct: DUO frees cap room in the quarter in which a credit note is paid.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billing.model import (
    CapTable,
    Contract,
    KeurmerkPeriod,
    LearnerBilling,
    Lesson,
    ProviderBilling,
    QuarterAmount,
)
from billing.quarters import Quarter
from billing.result import FlagKind, LearnerQuarter, LineKind
from billing.rules import compute_learner_quarter

QUARTERS = [Quarter(2025, 1)]
while len(QUARTERS) < 8:
    QUARTERS.append(QUARTERS[-1].next())
BSN = "123456782"
HELD_KINDS = (LineKind.HELD_BACK_BY_CAP, LineKind.HELD_BACK_BY_LOAN, LineKind.HELD_BACK_DEADLINE)


@dataclass(frozen=True)
class Credit:
    """A credit note of ours paid at the start of quarter `paid_in` (an index into QUARTERS).

    The invoice it corrects is chosen during the replay among the earlier quarters' invoices that
    still have something uncredited (`pick` selects one), and it credits `percent` of that rest.
    """

    paid_in: int
    pick: int
    percent: int


@dataclass(frozen=True)
class History:
    """A learner, a provider, a cap table and our credit notes to replay quarter by quarter."""

    learner: LearnerBilling
    provider: ProviderBilling
    caps: CapTable
    credits: tuple[Credit, ...] = ()


@st.composite
def lessons_in(draw: st.DrawFn, quarter: Quarter) -> list[Lesson]:
    """Up to 8 lessons on random days of `quarter`, some cancelled."""
    span = (quarter.last_day - quarter.first_day).days
    return [
        Lesson(quarter.first_day + timedelta(days=draw(st.integers(0, span))),
               Decimal(draw(st.integers(0, 160))) / 4, draw(st.booleans() | st.just(True)))
        for _ in range(draw(st.integers(0, 8)))
    ]


def some_day(quarters: list[Quarter]) -> st.SearchStrategy[date]:
    """A day within the replayed quarters."""
    return st.dates(quarters[0].first_day, quarters[-1].last_day)


@st.composite
def histories(draw: st.DrawFn) -> History:
    """A random history: lessons, others' invoices, an exam, a Keurmerk gap, a cap raise."""
    lessons = [lesson for q in QUARTERS for lesson in draw(lessons_in(q))]
    others = draw(others_invoices())
    contract = Contract(draw(st.integers(1, 20_000)) * 100, draw(st.integers(500, 6_000)),
                        draw(st.none() | some_day(QUARTERS)))
    learner = LearnerBilling(
        "L-1", BSN, contract, draw(st.integers(0, 15_000)) * 100, tuple(lessons), (),
        tuple(others), draw(st.none() | some_day(QUARTERS)),
    )
    gap_start = draw(some_day(QUARTERS))
    keurmerk = (KeurmerkPeriod(date(2020, 1, 1), gap_start),)
    if draw(st.booleans()):
        keurmerk += (KeurmerkPeriod(gap_start + timedelta(days=draw(st.integers(2, 120)))),)
    caps = CapTable()
    if draw(st.booleans()):
        caps = caps.with_setting(200_000, draw(st.sampled_from(QUARTERS)))
    credits = tuple(
        Credit(i, draw(st.integers(0, 7)), draw(st.sampled_from([1, 10, 50, 100])))
        for i in range(1, len(QUARTERS)) if draw(st.integers(0, 2)) == 0
    )
    return History(learner, ProviderBilling("P-1", keurmerk), caps, credits)


@st.composite
def others_invoices(draw: st.DrawFn) -> list[QuarterAmount]:
    """Other providers' invoices, some credited (in part) by a credit note paid in a later quarter."""
    amounts: list[QuarterAmount] = []
    for i, quarter in enumerate(QUARTERS):
        if not draw(st.booleans()):
            continue
        cents = draw(st.integers(0, 1_500)) * 100
        amounts.append(QuarterAmount(quarter, cents))
        if cents and i + 1 < len(QUARTERS) and draw(st.booleans()):
            paid_in = QUARTERS[draw(st.integers(i + 1, len(QUARTERS) - 1))]
            amounts.append(QuarterAmount(paid_in, -draw(st.integers(1, cents))))
    return amounts


def replay(history: History) -> list[tuple[LearnerBilling, LearnerQuarter]]:
    """Bill every quarter on the day after it ends, feeding each invoice into the next quarter.

    Our credit notes are paid at the start of their quarter, before that quarter is computed.
    """
    learner, steps = history.learner, []
    uncredited: dict[Quarter, int] = {}
    for i, quarter in enumerate(QUARTERS):
        for credit in (c for c in history.credits if c.paid_in == i):
            learner = pay_credit_note(learner, quarter, credit, uncredited)
        result = compute_learner_quarter(learner, quarter, provider=history.provider,
                                         caps=history.caps, invoice_date=quarter.next().first_day)
        steps.append((learner, result))
        learner = learner.with_invoice(quarter, result.invoice_cents)
        uncredited[quarter] = result.invoice_cents
    return steps


def pay_credit_note(
    learner: LearnerBilling, paid_in: Quarter, credit: Credit, uncredited: dict[Quarter, int]
) -> LearnerBilling:
    """Credit part of an earlier quarter's invoice, paid in `paid_in`; no invoice left: nothing."""
    targets = [q for q, cents in sorted(uncredited.items()) if cents > 0 and q < paid_in]
    if not targets:
        return learner
    target = targets[credit.pick % len(targets)]
    cents = max(1, uncredited[target] * credit.percent // 100)
    uncredited[target] -= cents
    return learner.with_credit_note(paid_in, cents)


def billable_value_until(history: History, quarter: Quarter) -> int:
    """Independent oracle: valid attended hours x rate, rounded half-up per quarter, summed."""
    contract, total = history.learner.contract, 0
    for q in QUARTERS[: QUARTERS.index(quarter) + 1]:
        hours = sum((lesson.hours for lesson in history.learner.lessons
                     if Quarter.of(lesson.day) == q and lesson.took_place
                     and history.provider.keurmerk_valid_on(lesson.day)
                     and (contract.terminated_on is None or lesson.day <= contract.terminated_on)),
                    Decimal(0))
        total += int((hours * contract.hourly_rate_cents).quantize(Decimal(1), ROUND_HALF_UP))
    return total


def others_in(learner: LearnerBilling, quarter: Quarter) -> int:
    """Other providers' invoices for the learner in `quarter`, net of their credit notes paid in it."""
    return sum(a.amount_cents for a in learner.invoiced_by_others if a.quarter == quarter)


def ours_in(learner: LearnerBilling, quarter: Quarter) -> int:
    """Our net amount in `quarter` before its invoice: minus the credit notes paid in it."""
    return sum(a.amount_cents for a in learner.invoiced if a.quarter == quarter)


def credited_in(learner: LearnerBilling, quarter: Quarter) -> int:
    """Credit notes of any provider paid in `quarter` (positive cents)."""
    return -sum(a.amount_cents for a in (*learner.invoiced, *learner.invoiced_by_others)
                if a.quarter == quarter and a.amount_cents < 0)


def passed_by(learner: LearnerBilling, quarter: Quarter) -> bool:
    """True when the learner met the obligation by the end of `quarter`."""
    met = learner.obligation_met_on
    return met is not None and met <= quarter.last_day


@settings(max_examples=100, deadline=None)
@given(histories())
def test_the_cap_per_quarter_holds_against_the_net_unless_the_learner_passed(history: History) -> None:
    for learner, result in replay(history):
        quarter = result.quarter
        if not passed_by(learner, quarter):
            net_after = ours_in(learner, quarter) + others_in(learner, quarter) + result.invoice_cents
            assert result.invoice_cents == 0 or net_after <= history.caps.cap_for(quarter)
            room = history.caps.cap_for(quarter) + credited_in(learner, quarter) - sum(
                a.amount_cents for a in learner.invoiced_by_others
                if a.quarter == quarter and a.amount_cents > 0)
            assert result.invoice_cents <= max(0, room)


@settings(max_examples=100, deadline=None)
@given(histories())
def test_the_room_a_credit_note_frees_is_the_room_of_the_quarter_it_was_paid_in(history: History) -> None:
    for learner, result in replay(history):
        quarter = result.quarter
        credited = credited_in(learner, quarter)
        freed = [flag for flag in result.flags if flag.kind is FlagKind.CAP_ROOM_FREED]
        assert len(freed) == (1 if credited else 0)
        if result.amount(LineKind.HELD_BACK_BY_CAP):  # the cap binds: the room is used in full
            room = history.caps.cap_for(quarter) - ours_in(learner, quarter) - others_in(learner, quarter)
            assert result.invoice_cents + result.amount(LineKind.HELD_BACK_BY_LOAN) == max(0, room)


@settings(max_examples=100, deadline=None)
@given(histories())
def test_invoiced_plus_still_open_equals_delivered_within_contract_and_loan(
    history: History,
) -> None:
    price = history.learner.contract.price_cents
    for learner, result in replay(history):
        invoiced = sum(a.amount_cents for a in learner.invoiced) + result.invoice_cents  # net
        assert invoiced + result.open_after_cents == min(
            price, billable_value_until(history, result.quarter))
        assert invoiced <= price
        assert 0 <= result.invoice_cents <= learner.loan_remaining_cents
        assert sum(line.amount_cents for line in result.lines if line.invoiced) == (
            result.invoice_cents)
        assert sum(result.amount(kind) for kind in HELD_KINDS) == result.open_after_cents


@settings(max_examples=100, deadline=None)
@given(histories())
def test_after_the_exam_everything_open_is_invoiced_unless_the_loan_or_a_deadline_stops_it(
    history: History,
) -> None:
    for learner, result in replay(history):
        open_before = result.invoice_cents + result.open_after_cents
        blocked = any(flag.overdue for flag in result.flags)
        if passed_by(learner, result.quarter) and not blocked:
            assert result.invoice_cents == min(open_before, learner.loan_remaining_cents)


@settings(max_examples=50, deadline=None)
@given(histories(), st.randoms(use_true_random=False))
def test_the_same_lines_come_out_when_computed_twice_or_from_shuffled_input(
    history: History, rnd
) -> None:
    lessons = list(history.learner.lessons)
    rnd.shuffle(lessons)
    shuffled = replace(history, learner=replace(history.learner, lessons=tuple(lessons)))
    assert replay(history) == replay(history)
    assert [r for _, r in replay(shuffled)] == [r for _, r in replay(history)]
