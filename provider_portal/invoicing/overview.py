"""The quarter overview: totals per learner and quarter, and the SVG chart over quarters."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlmodel import Session, col

from billing.credits import cap_amounts
from billing.result import INVOICED_KINDS, LineKind, QuarterResult
from provider_portal.charts import Series, bar_chart
from provider_portal.i18n import money, number
from provider_portal.invoicing.inputs import issued_documents
from provider_portal.models import Invoice, InvoiceLine
from provider_portal.models.invoicing import InvoiceStatus

HELD = (LineKind.HELD_BACK_BY_CAP, LineKind.HELD_BACK_BY_LOAN, LineKind.HELD_BACK_DEADLINE)


@dataclass
class QuarterFigures:
    """A quarter in cents: invoiced net of the credit notes paid in it, drafts and held back.

    `issued` is what DUO counts against the cap for the quarter: issued invoices of the quarter
    minus the credit notes paid in it (so it can be negative), as the drafts' cap room sees it.
    """

    quarter: str
    issued: int = 0
    draft: int = 0
    held_back: int = 0


def figures_by_quarter(session: Session, provider_id: int, last: int = 8) -> list[QuarterFigures]:
    """The last `last` quarters with documents, oldest first."""
    out: dict[str, QuarterFigures] = {}
    rows = session.execute(
        sa.select(col(Invoice.quarter), col(Invoice.status), col(InvoiceLine.kind),
                  sa.func.sum(InvoiceLine.amount_cents))
        .join(InvoiceLine, col(InvoiceLine.invoice_id) == col(Invoice.id))
        .where(col(Invoice.provider_id) == provider_id, col(Invoice.slot).is_(True))
        .group_by(col(Invoice.quarter), col(Invoice.status), col(InvoiceLine.kind))
    )
    for quarter, status, kind, cents in rows:
        item = out.setdefault(quarter, QuarterFigures(quarter))
        if kind in HELD:
            item.held_back += int(cents)
        elif kind in INVOICED_KINDS and status == InvoiceStatus.DRAFT:
            item.draft += int(cents)
    for quarter, cents in net_invoiced_by_quarter(session, provider_id).items():
        out.setdefault(quarter, QuarterFigures(quarter)).issued = cents
    return [out[q] for q in sorted(out)][-last:]


def net_invoiced_by_quarter(session: Session, provider_id: int) -> dict[str, int]:
    """Issued invoices per quarter minus the credit notes paid in it: the same documents, counted
    by the same rule (`billing.credits.cap_amounts`), as the drafts' cap room."""
    net: dict[str, int] = defaultdict(int)
    for documents in issued_documents(session, provider_id).values():
        for amount in cap_amounts(documents):
            net[str(amount.quarter)] += amount.amount_cents
    return dict(net)


def quarters_svg(figures: list[QuarterFigures], title: str) -> str:
    """Stacked bars per quarter: issued (net), draft and held back, in euros, with its table."""
    if not figures:
        return ""
    return bar_chart(
        [f.quarter for f in figures],
        [Series(_("Issued"), "issued", [f.issued for f in figures]),
         Series(_("Draft"), "draft", [f.draft for f in figures]),
         Series(_("Held back"), "held", [f.held_back for f in figures])],
        title=title, unit="€", value=lambda cents: money(int(cents), True),
        tick=lambda cents: number(cents / 100, 0), category_head=_("Quarter"), chart_id="quarter-chart",
    )


@dataclass
class OverviewRow:
    """One learner's quarter (or the total) as the overview page shows it, in cents."""

    learner_id: str
    name: str
    delivered: int = 0
    carried_over: int = 0
    released: int = 0
    held_back: int = 0
    invoiceable: int = 0
    open_after: int = 0
    flags: tuple[str, ...] = ()


def overview_rows(result: QuarterResult, names: dict[str, str]) -> tuple[list[OverviewRow], OverviewRow]:
    """Per learner: delivered, carried over, released, held back, invoiceable; and the totals."""
    rows = [
        OverviewRow(
            lq.learner_id,
            names.get(lq.learner_id, lq.learner_id),
            lq.delivered_cents,
            lq.amount(LineKind.CARRIED_OVER),
            lq.amount(LineKind.RELEASED_AFTER_EXAM),
            sum(lq.amount(kind) for kind in HELD),
            lq.invoice_cents,
            lq.open_after_cents,
            tuple(f.message for f in lq.flags),
        )
        for lq in result.learners
    ]
    total = OverviewRow(
        "",
        "",
        *(
            sum(getattr(r, name) for r in rows)
            for name in ("delivered", "carried_over", "released", "held_back", "invoiceable", "open_after")
        ),
    )
    return rows, total
