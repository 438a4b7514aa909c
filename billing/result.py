"""What a quarter's computation returns: explained lines and deadline flags per learner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from billing.quarters import Quarter


class LineKind(StrEnum):
    """Why an amount appears on a learner's quarter; only the first three are invoiced."""

    DELIVERED = "delivered"
    CARRIED_OVER = "carried_over"
    RELEASED_AFTER_EXAM = "released_after_exam"
    HELD_BACK_BY_CAP = "held_back_by_cap"
    HELD_BACK_BY_LOAN = "held_back_by_loan"
    HELD_BACK_DEADLINE = "held_back_deadline"
    NO_KEURMERK = "not_billable_no_keurmerk"
    AFTER_TERMINATION = "not_billable_after_termination"
    ABOVE_CONTRACT = "not_billable_above_contract_price"


INVOICED_KINDS = frozenset(
    {LineKind.CARRIED_OVER, LineKind.DELIVERED, LineKind.RELEASED_AFTER_EXAM}
)


class FlagKind(StrEnum):
    """Deadlines, anomalies and notes the finance staff must see before issuing."""

    FINAL_INVOICE_DEADLINE = "final_invoice_deadline"
    KEURMERK_LOST_DEADLINE = "keurmerk_lost_deadline"
    NO_VALID_KEURMERK = "no_valid_keurmerk"
    OVER_INVOICED = "over_invoiced"
    CAP_ROOM_FREED = "cap_room_freed_by_credit_note"
    INVOICED_BY_OTHERS = "cap_room_used_by_other_providers"


@dataclass(frozen=True, slots=True)
class QuarterLine:
    """One explained amount of a learner's quarter; `invoiced` lines go on the invoice."""

    learner_id: str
    quarter: Quarter
    kind: LineKind
    amount_cents: int
    explanation: str
    # Set on a delivered line that bills the quarter's hours in full: amount = hours x rate (rounded).
    hours: Decimal | None = None
    hourly_rate_cents: int | None = None

    @property
    def invoiced(self) -> bool:
        """True for lines that are billed now; the others explain what is not (yet) billed."""
        return self.kind in INVOICED_KINDS


@dataclass(frozen=True, slots=True)
class Flag:
    """A deadline (`due`, overdue or not) or an anomaly attached to a learner's quarter."""

    kind: FlagKind
    message: str
    due: date | None = None
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class LearnerQuarter:
    """A learner's quarter: lines, the amount to invoice now and what stays open afterwards."""

    learner_id: str
    quarter: Quarter
    cap_cents: int
    delivered_cents: int
    invoice_cents: int
    open_after_cents: int
    lines: tuple[QuarterLine, ...]
    flags: tuple[Flag, ...] = ()

    def amount(self, kind: LineKind) -> int:
        """The amount on the line of `kind`, 0 when there is none."""
        return sum(line.amount_cents for line in self.lines if line.kind is kind)


@dataclass(frozen=True, slots=True)
class QuarterResult:
    """All learners of one provider for one quarter, in input order."""

    quarter: Quarter
    invoice_date: date
    learners: tuple[LearnerQuarter, ...]

    @property
    def lines(self) -> tuple[QuarterLine, ...]:
        """Every learner's lines, flattened in input order."""
        return tuple(line for learner in self.learners for line in learner.lines)

    def total(self, kind: LineKind) -> int:
        """The sum over learners of the lines of `kind`."""
        return sum(learner.amount(kind) for learner in self.learners)

    @property
    def invoice_total_cents(self) -> int:
        """What this quarter's invoices add up to."""
        return sum(learner.invoice_cents for learner in self.learners)
