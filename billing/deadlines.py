"""DUO's 4-month deadlines: the last invoice after the obligation is met or the Keurmerk lost."""

from __future__ import annotations

from datetime import date

from billing.model import LearnerBilling, ProviderBilling
from billing.quarters import Quarter, add_months
from billing.result import Flag, FlagKind

DEADLINE_MONTHS = 4


def deadline_flags(
    learner: LearnerBilling, quarter: Quarter, provider: ProviderBilling, invoice_date: date
) -> list[Flag]:
    """The deadline flags for an invoice sent on `invoice_date`; an overdue one blocks invoicing."""
    flags: list[Flag] = []
    met = learner.obligation_met_on
    if met is not None and met <= quarter.last_day:
        due = add_months(met, DEADLINE_MONTHS)
        flags.append(Flag(
            FlagKind.FINAL_INVOICE_DEADLINE,
            f"obligation met on {met.isoformat()}: the last invoice must reach DUO by "
            f"{due.isoformat()}", due=due, overdue=invoice_date > due,
        ))
    flags.extend(keurmerk_flags(provider, invoice_date))
    return flags


def keurmerk_flags(provider: ProviderBilling, invoice_date: date) -> list[Flag]:
    """No flag while the Keurmerk is valid; 4 months to bill earlier work after it lapsed."""
    if provider.keurmerk_valid_on(invoice_date):
        return []
    lost = provider.keurmerk_lost_on(invoice_date)
    if lost is None:
        return [Flag(FlagKind.NO_VALID_KEURMERK, "the provider has no valid Keurmerk; DUO pays "
                     "only Keurmerk holders", overdue=True)]
    due = add_months(lost, DEADLINE_MONTHS)
    return [Flag(
        FlagKind.KEURMERK_LOST_DEADLINE,
        f"Keurmerk not valid since {lost.isoformat()}: invoices for earlier lessons must reach DUO "
        f"by {due.isoformat()}", due=due, overdue=invoice_date > due,
    )]
