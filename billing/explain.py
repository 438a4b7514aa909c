"""The explained lines of a learner's quarter, built from the allocation of its open amount."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from billing.model import LearnerBilling
from billing.money import format_cents
from billing.quarters import Quarter
from billing.result import Flag, LineKind, QuarterLine

if TYPE_CHECKING:
    from billing.rules import Allocation, Delivered


def build_lines(
    learner: LearnerBilling,
    quarter: Quarter,
    cap: int,
    allocation: Allocation,
    delivered: Delivered,
    above_contract: int,
    flags: list[Flag],
    *,
    credited: int = 0,
    others: int = 0,
) -> tuple[QuarterLine, ...]:
    """Non-zero lines in a fixed order: invoiced kinds first, then what is held back or excluded.

    `credited` is the cap room freed by credit notes paid in the quarter, and `others` the room
    taken by other providers' invoices in it; both are named beside the cap.
    """
    ended = learner.contract.terminated_on if learner.contract else None
    met = learner.obligation_met_on
    blocked = "; ".join(flag.message for flag in flags if flag.overdue)
    texts = [
        (LineKind.CARRIED_OVER, allocation.carried_over,
         "still open from earlier quarters (held back by the cap or the loan before)"),
        (LineKind.DELIVERED, allocation.delivered,
         f"lessons attended in {quarter}: hours x hourly rate"),
        (LineKind.RELEASED_AFTER_EXAM, allocation.released,
         f"above the cap, released because the obligation was met on {met}"),
        (LineKind.HELD_BACK_BY_CAP, allocation.held_by_cap,
         f"above the cap of EUR {format_cents(cap)} for {quarter}{_freed(credited, quarter)}"
         f"{_taken(others)} "
         "(invoices of all providers count); stays open for later quarters"),
        (LineKind.HELD_BACK_BY_LOAN, allocation.held_by_loan,
         "above the learner's remaining loan; stays open"),
        (LineKind.HELD_BACK_DEADLINE, allocation.held_by_deadline, f"cannot be billed: {blocked}"),
        (LineKind.NO_KEURMERK, delivered.no_keurmerk,
         f"lessons in {quarter} given while the Keurmerk was not valid; never billable to DUO"),
        (LineKind.AFTER_TERMINATION, delivered.after_termination,
         f"lessons in {quarter} after the contract ended on {ended}; not billable"),
        (LineKind.ABOVE_CONTRACT, above_contract,
         "delivered beyond the contract price; not billable"),
    ]
    return tuple(
        QuarterLine(learner.learner_id, quarter, kind, amount, text, *_hours(kind, amount, delivered))
        for kind, amount, text in texts
        if amount
    )


def _hours(kind: LineKind, amount: int, delivered: Delivered) -> tuple[Decimal | None, int | None]:
    """(hours, rate) of a delivered line that bills the quarter's hours in full, else (None, None).

    A delivered line cut by the cap, the loan or the contract price is less than hours x rate, so it
    carries no hours: its e-invoice line is then one unit with the amount (docs/duo-files.md).
    """
    if kind is LineKind.DELIVERED and amount == delivered.now and delivered.hours_now:
        return delivered.hours_now, delivered.rate_cents
    return None, None


def _freed(credited: int, quarter: Quarter) -> str:
    """Why the room exceeds the cap: DUO frees it in the quarter a credit note is paid in."""
    if not credited:
        return ""
    return f" plus EUR {format_cents(credited)} freed by credit notes paid in {quarter}"


def _taken(others: int) -> str:
    """Why the room is below the cap: DUO adds up the invoices of all schools for the learner."""
    if not others:
        return ""
    return f", minus EUR {format_cents(others)} invoiced by other providers"
