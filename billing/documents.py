"""Issued documents as plain data for the exports: parties, invoices, credit notes and their lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from billing.errors import BillingInputError
from billing.money import round_half_up_cents
from billing.quarters import Quarter
from billing.result import LearnerQuarter, LineKind

HOURS_STEP = Decimal("0.0001")  # hours on documents have at most four decimals
LINE_TEXT_NL = {
    LineKind.DELIVERED: "Gevolgde lessen {quarter} (aanwezige uren x uurtarief)",
    LineKind.CARRIED_OVER: "Openstaand uit eerdere kwartalen (eerder boven het kwartaalplafond)",
    LineKind.RELEASED_AFTER_EXAM: "Vrijgegeven na het voldoen aan de inburgeringsplicht "
                                  "(boven het kwartaalplafond)",
}


@dataclass(frozen=True, slots=True)
class Party:
    """A seller (the provider) or buyer (DUO) as invoices name them."""

    name: str
    street: str
    postcode: str
    city: str
    country: str = "NL"
    kvk: str | None = None  # Chamber of Commerce number, EAS scheme 0106
    oin: str | None = None  # Dutch government organisation id, EAS scheme 0190
    vat_id: str | None = None
    iban: str | None = None
    bow_number: str | None = None
    email: str | None = None

    @property
    def legal_id(self) -> tuple[str, str]:
        """(EAS scheme, id): KvK (0106) when known, else OIN (0190); NLCIUS needs one of them."""
        if self.kvk:
            return "0106", self.kvk
        if self.oin:
            return "0190", self.oin
        raise BillingInputError("kvk", f"{self.name} needs a KvK number or an OIN")


@dataclass(frozen=True, slots=True)
class Learner:
    """The learner an invoice is for; DUO requires the BSN on every invoice."""

    learner_id: str
    bsn: str
    name: str


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One invoiced amount (positive cents) with a Dutch description."""

    description: str
    amount_cents: int
    kind: LineKind = LineKind.DELIVERED
    hours: Decimal | None = None  # with the rate: a line for hours, amount = hours x rate (rounded)
    hourly_rate_cents: int | None = None

    def hours_x_rate(self) -> tuple[Decimal, int] | None:
        """(hours, hourly rate in cents) as the documents show them, or None for a line not for hours.

        The hours are written with at most four decimals and used only when they times the rate,
        rounded half-up to the cent (the core's rounding), give the line amount; the rest is under
        half a cent, within the 0.02 that Peppol rule PEPPOL-EN16931-R120 allows. A line cut by
        the cap has no hours, so it never shows a made-up rate.
        """
        hours, rate = self.hours, self.hourly_rate_cents
        if hours is None or not rate or hours <= 0:
            return None
        shown = hours.quantize(HOURS_STEP).normalize()
        return (shown, rate) if round_half_up_cents(shown * rate) == self.amount_cents else None


@dataclass(frozen=True, slots=True)
class Invoice:
    """An issued invoice to DUO for one learner and one quarter; never edited after issue."""

    number: str
    issue_date: date
    due_date: date
    seller: Party
    buyer: Party
    learner: Learner
    period: Quarter
    lines: tuple[InvoiceLine, ...]
    payment_reference: str
    buyer_reference: str

    def __post_init__(self) -> None:
        check_document(self)

    @property
    def total_cents(self) -> int:
        """The sum of the lines; no VAT (education is exempt)."""
        return sum(line.amount_cents for line in self.lines)


@dataclass(frozen=True, slots=True)
class CreditNote:
    """A credit note from its own series, pointing at the invoice it (partly) cancels."""

    number: str
    issue_date: date
    seller: Party
    buyer: Party
    learner: Learner
    period: Quarter
    lines: tuple[InvoiceLine, ...]
    corrects_number: str
    corrects_issue_date: date
    reason: str
    payment_reference: str
    buyer_reference: str

    def __post_init__(self) -> None:
        check_document(self)
        if not self.corrects_number:
            raise BillingInputError(f"credit note {self.number}: corrects_number", "is missing")

    @property
    def total_cents(self) -> int:
        """The credited amount, positive."""
        return sum(line.amount_cents for line in self.lines)


Document = Invoice | CreditNote


def check_document(doc: Document) -> None:
    """Refuse a document DUO or EN 16931 would reject: no number, no lines, no BSN, no IBAN."""
    label = f"{type(doc).__name__} {doc.number or '?'}"
    if not doc.number:
        raise BillingInputError(f"{label}: number", "is missing")
    if not doc.lines or any(line.amount_cents <= 0 for line in doc.lines):
        raise BillingInputError(f"{label}: lines", "needs at least one line, each above zero")
    if not doc.learner.bsn or not stdnum_bsn.is_valid(doc.learner.bsn):
        raise BillingInputError(f"{label}: learner.bsn", "is missing or fails the elfproef",
                                doc.learner.learner_id)
    if not doc.seller.iban or not stdnum_iban.is_valid(doc.seller.iban):
        raise BillingInputError(f"{label}: seller.iban", "is missing or not a valid IBAN")
    if not doc.seller.bow_number:
        raise BillingInputError(f"{label}: seller.bow_number", "is missing")
    doc.seller.legal_id  # noqa: B018 - raises when neither KvK nor OIN is known
    doc.buyer.legal_id  # noqa: B018
    if not doc.buyer_reference:
        raise BillingInputError(f"{label}: buyer_reference", "is missing (EN 16931 BT-10)")


def invoice_lines_from(result: LearnerQuarter) -> tuple[InvoiceLine, ...]:
    """The invoiced lines of a learner's quarter, with Dutch descriptions, for a new invoice."""
    return tuple(
        InvoiceLine(LINE_TEXT_NL[line.kind].format(quarter=line.quarter), line.amount_cents,
                    line.kind, line.hours, line.hourly_rate_cents)
        for line in result.lines
        if line.invoiced
    )
