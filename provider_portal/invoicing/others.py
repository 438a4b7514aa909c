"""Other providers' invoices for our learners, where known: record, list and delete them.

DUO adds up the invoices of all schools for a learner in a quarter and refuses those over the cap.
A provider learns what another school invoiced when a learner switches schools (from the learner
or DUO's Mijn Inburgering overview); recorded here, the amounts take cap room in the drafts
(`inputs.invoiced_by_others`). A credit note the other school had paid is a negative amount in the
quarter in which it was paid, as for our own credit notes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from billing.errors import BillingInputError
from billing.money import CENT, parse_euros
from billing.quarters import Quarter
from provider_portal.invoicing.errors import InvoicingError
from provider_portal.models import Learner, OtherProviderInvoice
from provider_portal.models.keys import pk

MAX_CENTS = 10_000_000  # EUR 100,000: far above any loan; guards against a slip of the keyboard


# The refusals of an entry by field and code, in the reader's language; each names its field.
ENTRY_MESSAGES = {
    ("quarter", "format"): _l("Quarter: enter a quarter such as 2026-Q3."),
    ("amount", "format"): _l("Amount: enter euros with at most two decimals, e.g. 1000,00 or -250.50."),
    ("amount", "zero"): _l("Amount: must not be zero."),
    ("amount", "too_large"): _l("Amount: must not exceed EUR 100000.00."),
    ("other_provider", "required"): _l("Other provider: enter the other provider's name or BOW number."),
}


class EntryError(InvoicingError):
    """Refused input for one field of an entry.

    `field` names it so the form shows the error there; `str(exc)` is the English `field: reason`
    (logs, the command line), `message` the reader's translation shown at the field; `code` says
    which refusal it is, and `quarter` is the quarter in which recorded credit notes would exceed
    recorded invoices.
    """

    def __init__(self, field: str, code: str, message: str, quarter: Quarter | None = None) -> None:
        super().__init__(f"{field}: {message}", field)
        self.code, self.quarter = code, quarter
        self.message = _translated(field, code, quarter, f"{field}: {message}")


def _translated(field: str, code: str, quarter: Quarter | None, english: str) -> Any:
    if code == "running_net":
        return _l(
            "Up to %(quarter)s the other providers' credit notes would credit more than their "
            "invoices recorded here: record the invoice first, or delete the credit note first.",
            quarter=str(quarter),
        )
    return ENTRY_MESSAGES.get((field, code), english)


def parse_amount_cents(raw: str | None) -> int:
    """`1000`, `1.000,50`, `-250.5` as exact integer cents (`billing.money`); zero refused."""
    try:
        amount = parse_euros(raw, "amount")
    except BillingInputError:
        amount = None
    if amount is None or amount != amount.quantize(CENT) or abs(amount) >= 10**9:
        raise EntryError("amount", "format", "enter euros with at most two decimals, e.g. 1000,00 or -250.50")
    cents = int(amount * 100)
    if cents == 0:
        raise EntryError("amount", "zero", "must not be zero")
    if abs(cents) > MAX_CENTS:
        raise EntryError("amount", "too_large", "must not exceed EUR 100000.00")
    return cents


def parse_quarter(raw: str | None) -> Quarter:
    """`2026-Q3`, the quarter of the other provider's invoice (or of its credit note's payment)."""
    try:
        return Quarter.parse((raw or "").upper())
    except BillingInputError:
        raise EntryError("quarter", "format", "enter a quarter such as 2026-Q3") from None


def entries_for(session: Session, learner_id: int) -> list[OtherProviderInvoice]:
    """A learner's recorded entries, oldest quarter first."""
    stmt = (
        sa.select(OtherProviderInvoice)
        .where(col(OtherProviderInvoice.learner_id) == learner_id)
        .order_by(col(OtherProviderInvoice.quarter), col(OtherProviderInvoice.id))
    )
    return list(session.execute(stmt).scalars())


def add_entry(
    session: Session,
    learner: Learner,
    *,
    quarter: Quarter,
    amount_cents: int,
    other_provider: str,
    note: str = "",
    recorded_by_id: int | None = None,
) -> OtherProviderInvoice:
    """Record another provider's invoice (or paid credit note, negative); refused input raises
    EntryError naming the field and adds nothing. The caller's unit of work commits."""
    name = other_provider.strip()
    if not name:
        raise EntryError("other_provider", "required", "enter the other provider's name or BOW number")
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents == 0:
        raise EntryError("amount", "zero", "must be a non-zero amount in whole cents")
    existing = [(Quarter.parse(e.quarter), e.amount_cents) for e in entries_for(session, pk(learner))]
    _check_running_net([*existing, (quarter, amount_cents)], "amount")
    entry = OtherProviderInvoice(
        provider_id=learner.provider_id,
        learner_id=pk(learner),
        quarter=str(quarter),
        amount_cents=amount_cents,
        other_provider=name[:200],
        note=note.strip()[:500],
        recorded_by_id=recorded_by_id,
    )
    session.add(entry)
    session.flush()
    return entry


def delete_entry(session: Session, entry: OtherProviderInvoice) -> None:
    """Delete an entry, unless the credit notes left would credit more than the invoices left."""
    rest = [
        (Quarter.parse(e.quarter), e.amount_cents)
        for e in entries_for(session, entry.learner_id)
        if e.id != entry.id
    ]
    _check_running_net(rest, "entry")
    session.delete(entry)
    session.flush()


def _check_running_net(amounts: list[tuple[Quarter, int]], field: str) -> None:
    """A credit note only credits what was invoiced before it: the running net stays >= 0.

    The billing core refuses such a history for the learner, so it is refused here, at entry.
    """
    net: dict[Quarter, int] = defaultdict(int)
    for quarter, cents in amounts:
        net[quarter] += cents
    running = 0
    for quarter in sorted(net):
        running += net[quarter]
        if running < 0:
            raise EntryError(
                field,
                "running_net",
                f"up to {quarter} the other providers' credit notes would credit more than their "
                "invoices recorded here; record the invoice first (or delete the credit note first)",
                quarter,
            )
