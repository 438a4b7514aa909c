"""Factories for billing tests: a provider with a Keurmerk, learners with lessons and invoices."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from billing.documents import CreditNote, Invoice, InvoiceLine, Learner, Party
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
from billing.result import LearnerQuarter, LineKind
from billing.rules import compute_learner_quarter

VALID_BSN = "111222333"


def weekly_lessons(first: date, weeks: int, hours: str = "4") -> tuple[Lesson, ...]:
    """One lesson a week from `first`, each with `hours` attended."""
    return tuple(Lesson(first + timedelta(weeks=i), Decimal(hours)) for i in range(weeks))


@pytest.fixture
def provider() -> ProviderBilling:
    """A provider whose Keurmerk has been valid since 2020 without end."""
    return ProviderBilling("P-1", (KeurmerkPeriod(date(2020, 1, 1)),))


@pytest.fixture
def make_learner() -> Callable[..., LearnerBilling]:
    """Build a learner: EUR 10 an hour, EUR 9000 contract, EUR 10000 loan unless told otherwise."""

    def make(**overrides: Any) -> LearnerBilling:
        fields: dict[str, Any] = {
            "learner_id": "L-1", "bsn": VALID_BSN,
            "contract": Contract(price_cents=900_000, hourly_rate_cents=1_000),
            "loan_remaining_cents": 1_000_000,
        }
        fields.update(overrides)
        return LearnerBilling(**fields)

    return make


@pytest.fixture
def bill(provider: ProviderBilling) -> Callable[..., LearnerQuarter]:
    """Compute a learner's quarter, invoiced on the first day after it unless told otherwise."""

    def run(learner: LearnerBilling, quarter: str, *, invoice_date: date | None = None,
            caps: CapTable | None = None, with_provider: ProviderBilling | None = None
            ) -> LearnerQuarter:
        q = Quarter.parse(quarter)
        return compute_learner_quarter(
            learner, q, provider=with_provider or provider, caps=caps or CapTable(),
            invoice_date=invoice_date or q.next().first_day,
        )

    return run


def invoiced(quarter: str, euros: int) -> QuarterAmount:
    """An earlier invoice of whole euros in `quarter`."""
    return QuarterAmount(Quarter.parse(quarter), euros * 100)


@pytest.fixture
def weekly() -> Callable[..., tuple[Lesson, ...]]:
    """The `weekly_lessons` factory as a fixture (test modules cannot import conftest)."""
    return weekly_lessons


@pytest.fixture
def earlier() -> Callable[[str, int], QuarterAmount]:
    """The `invoiced` factory as a fixture."""
    return invoiced


SELLER = Party(name="Taalschool Utrecht B.V.", street="Oudegracht 1", postcode="3511 AA",
               city="Utrecht", kvk="12345678", vat_id="NL002455799B11",
               iban="NL91ABNA0417164300", bow_number="BOW1234", email="finance@taalschool.test")
# A test OIN: the buyer's real identifiers are configuration, never code.
BUYER = Party(name="Dienst Uitvoering Onderwijs", street="Kempkensberg 12", postcode="9722 TB",
              city="Groningen", oin="00000001234567890000")


@pytest.fixture
def invoice() -> Invoice:
    """An issued invoice for 2026-Q3 with a carried-over and a delivered line."""
    return Invoice(
        number="2026-00042", issue_date=date(2026, 10, 1), due_date=date(2026, 10, 31),
        seller=SELLER, buyer=BUYER, learner=Learner("L-001", VALID_BSN, "Amina Yusuf"),
        period=Quarter(2026, 3),
        lines=(InvoiceLine("Openstaand uit eerdere kwartalen", 33_400, LineKind.CARRIED_OVER),
               InvoiceLine("Gevolgde lessen 2026-Q3", 91_600, LineKind.DELIVERED)),
        payment_reference="1234 5678 9012 3456", buyer_reference=VALID_BSN,
    )


@pytest.fixture
def credit_note(invoice: Invoice) -> CreditNote:
    """A credit note cancelling part of `invoice`."""
    return CreditNote(
        number="C2026-00007", issue_date=date(2026, 11, 2), seller=SELLER, buyer=BUYER,
        learner=invoice.learner, period=invoice.period,
        lines=(InvoiceLine("Correctie: les van 8 juli niet gegeven", 6_600),),
        corrects_number=invoice.number, corrects_issue_date=invoice.issue_date,
        reason="les niet gegeven", payment_reference="1234 5678 9012 3457",
        buyer_reference=VALID_BSN,
    )
