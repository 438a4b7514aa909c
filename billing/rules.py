"""The quarter computation: what may be invoiced for a learner, under the cap, contract and loan.

Rounding: a quarter's delivered value is (sum of attended hours in that quarter) x hourly rate in
cents, rounded half-up to whole cents once per quarter; everything after that is integer cents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from billing.deadlines import deadline_flags
from billing.errors import AdvanceBillingError, BillingInputError
from billing.explain import build_lines
from billing.model import BillingInput, CapTable, LearnerBilling, ProviderBilling, QuarterAmount
from billing.money import format_cents, round_half_up_cents
from billing.quarters import Quarter
from billing.result import Flag, FlagKind, LearnerQuarter, QuarterResult
from billing.validation import contract_terms


@dataclass(frozen=True, slots=True)
class Delivered:
    """Value of lessons up to a quarter: billable before and in it, and what is never billable."""

    before: int
    now: int
    no_keurmerk: int
    after_termination: int
    hours_now: Decimal = Decimal(0)  # the billable hours attended in the quarter itself
    rate_cents: int = 0


@dataclass(frozen=True, slots=True)
class Allocation:
    """How the open amount of a quarter splits into invoiced and held-back parts (cents)."""

    carried_over: int = 0
    delivered: int = 0
    released: int = 0
    held_by_cap: int = 0
    held_by_loan: int = 0
    held_by_deadline: int = 0

    @property
    def invoiced(self) -> int:
        """The amount on this quarter's invoice."""
        return self.carried_over + self.delivered + self.released


def compute_quarter(
    data: BillingInput, quarter: Quarter, invoice_date: date | None = None
) -> QuarterResult:
    """Every learner's lines for `quarter`, invoiced on `invoice_date` (or the input's own date)."""
    day = invoice_date or data.invoice_date
    if day is None:
        raise BillingInputError("invoice_date", "is missing")
    learners = tuple(
        compute_learner_quarter(
            learner, quarter, provider=data.provider, caps=data.caps, invoice_date=day
        )
        for learner in data.learners
    )
    return QuarterResult(quarter, day, learners)


def compute_learner_quarter(
    learner: LearnerBilling,
    quarter: Quarter,
    *,
    provider: ProviderBilling,
    caps: CapTable,
    invoice_date: date,
) -> LearnerQuarter:
    """One learner's lines for `quarter`: the rules of DUO's quarterly cap, applied in cents."""
    _check_timing(learner, quarter, invoice_date)
    delivered = delivered_values(learner, provider, quarter)
    still_open = open_amounts(learner, delivered)
    flags: list[Flag] = []
    if still_open.over_invoiced:
        flags.append(Flag(FlagKind.OVER_INVOICED, f"invoiced {still_open.over_invoiced} cents "
                          "more than delivered; a credit note is needed"))
    if still_open.total:
        flags.extend(deadline_flags(learner, quarter, provider, invoice_date))
    cap, credited = caps.cap_for(quarter), credited_in(learner, quarter)
    if credited:
        flags.append(Flag(FlagKind.CAP_ROOM_FREED, f"credit notes paid in {quarter} freed EUR "
                          f"{format_cents(credited)} of cap room in {quarter}"))
    others = others_in(learner, quarter)
    if others:
        flags.append(Flag(FlagKind.INVOICED_BY_OTHERS, f"other providers invoiced EUR {format_cents(others)} "
                          f"for this learner in {quarter}; that counts towards the cap of EUR "
                          f"{format_cents(cap)}"))
    allocation = allocate(
        still_open.carried, still_open.now,
        cap_room=cap_room(learner, quarter, cap),
        loan=learner.loan_remaining_cents,
        released=_obligation_met_by(learner, quarter),
        blocked=any(flag.overdue for flag in flags),
    )
    lines = build_lines(learner, quarter, cap, allocation, delivered, still_open.above_contract,
                        flags, credited=credited, others=others)
    return LearnerQuarter(
        learner_id=learner.learner_id, quarter=quarter, cap_cents=cap,
        delivered_cents=delivered.now, invoice_cents=allocation.invoiced,
        open_after_cents=still_open.total - allocation.invoiced, lines=lines, flags=tuple(flags),
    )


@dataclass(frozen=True, slots=True)
class OpenAmounts:
    """What is still open before this quarter's invoice, split by age, in cents."""

    carried: int  # delivered in earlier quarters, not yet invoiced
    now: int  # delivered this quarter, within the contract price
    above_contract: int  # delivered this quarter beyond the contract price
    over_invoiced: int  # invoiced beyond the delivered value (needs a credit note)

    @property
    def total(self) -> int:
        """Everything still open."""
        return self.carried + self.now


def cap_room(learner: LearnerBilling, quarter: Quarter, cap: int) -> int:
    """The cap minus the net invoiced in `quarter` by this and other providers, never below 0.

    A credit note counts (negatively) in the quarter in which it was paid, so the room of that
    quarter can exceed the cap; the quarter of the invoice it corrects stays as full as it was.
    """
    return max(0, cap - _in(learner.invoiced, quarter) - _in(learner.invoiced_by_others, quarter))


def credited_in(learner: LearnerBilling, quarter: Quarter) -> int:
    """Credit notes (negative entries) of any provider paid in `quarter`, as a positive amount."""
    return -sum(item.amount_cents for amounts in (learner.invoiced, learner.invoiced_by_others)
                for item in amounts if item.quarter == quarter and item.amount_cents < 0)


def others_in(learner: LearnerBilling, quarter: Quarter) -> int:
    """Other providers' invoices (positive entries) in `quarter`: room this provider cannot use.

    Their credit notes paid in the quarter are reported by `credited_in`, so only invoices count here.
    """
    return sum(item.amount_cents for item in learner.invoiced_by_others
               if item.quarter == quarter and item.amount_cents > 0)


def open_amounts(learner: LearnerBilling, delivered: Delivered) -> OpenAmounts:
    """Delivered value within the contract price minus what this provider invoiced, oldest first.

    `invoiced` is net of the paid credit notes (never negative in total, validated), so a credited
    amount is open again and billed first, as carried over, within the cap room of a later quarter.
    """
    price = contract_terms(learner).price_cents
    within_before = min(price, delivered.before)
    within_all = min(price, delivered.before + delivered.now)
    invoiced = sum(item.amount_cents for item in learner.invoiced)
    carried = max(0, within_before - invoiced)
    return OpenAmounts(
        carried=carried,
        now=max(0, within_all - invoiced) - carried,
        above_contract=delivered.now - (within_all - within_before),
        over_invoiced=max(0, invoiced - within_all),
    )


def allocate(
    carried_open: int, now_open: int, *, cap_room: int, loan: int, released: bool, blocked: bool
) -> Allocation:
    """Split the open amount: oldest first, within the cap (unless released) and the loan."""
    open_total = carried_open + now_open
    if blocked:
        return Allocation(held_by_deadline=open_total)
    within_cap = open_total if released else min(open_total, cap_room)
    invoice = min(within_cap, loan)
    above_cap = max(0, invoice - cap_room) if released else 0
    normal = invoice - above_cap
    carried = min(carried_open, normal)
    return Allocation(
        carried_over=carried, delivered=normal - carried, released=above_cap,
        held_by_cap=open_total - within_cap, held_by_loan=within_cap - invoice,
    )


def delivered_values(
    learner: LearnerBilling, provider: ProviderBilling, quarter: Quarter
) -> Delivered:
    """Attended hours x rate per quarter up to `quarter`, each quarter rounded half-up to cents."""
    billable: dict[int, Decimal] = defaultdict(Decimal)  # by year * 4 + quarter index
    no_keurmerk = after_end = Decimal(0)
    terms = contract_terms(learner)
    first, last, ended = quarter.first_day, quarter.last_day, terms.terminated_on
    valid = provider.keurmerk_valid_on
    for lesson in learner.lessons:  # the hot loop of a quarterly run: kept flat on purpose
        day = lesson.day
        if day > last or not lesson.took_place:
            continue
        if ended is not None and day > ended:
            after_end += lesson.hours if day >= first else 0
        elif not valid(day):
            no_keurmerk += lesson.hours if day >= first else 0
        else:
            billable[day.year * 4 + (day.month - 1) // 3] += lesson.hours
    rate = terms.hourly_rate_cents
    value = {key: round_half_up_cents(hours * rate) for key, hours in billable.items()}
    target = quarter.year * 4 + quarter.number - 1
    return Delivered(
        before=sum(v for key, v in value.items() if key < target),
        now=value.get(target, 0),
        no_keurmerk=round_half_up_cents(no_keurmerk * rate),
        after_termination=round_half_up_cents(after_end * rate),
        hours_now=billable.get(target, Decimal(0)),
        rate_cents=rate,
    )


def _in(amounts: tuple[QuarterAmount, ...], quarter: Quarter) -> int:
    return sum(item.amount_cents for item in amounts if item.quarter == quarter)


def _obligation_met_by(learner: LearnerBilling, quarter: Quarter) -> bool:
    met = learner.obligation_met_on
    return met is not None and met <= quarter.last_day


def _check_timing(learner: LearnerBilling, quarter: Quarter, invoice_date: date) -> None:
    if invoice_date <= quarter.last_day:
        raise AdvanceBillingError("quarter", f"{quarter} ends on {quarter.last_day.isoformat()}; "
                                  f"invoicing on {invoice_date.isoformat()} would bill in advance")
    for i, item in enumerate(learner.invoiced):
        if item.quarter > quarter:
            message = (f"{item.quarter} lies after {quarter}; compute quarters in order (a credit "
                       "note paid after the quarter frees nothing in it: leave it out)")
            raise BillingInputError(f"invoiced[{i}].quarter", message, learner.learner_id)
