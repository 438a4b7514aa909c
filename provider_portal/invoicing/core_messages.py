"""The billing core's English reasons and flags, in the reader's language.

The core (`billing/`) stays pure and English: its money parser and validation say why a value is
bad, and a learner's quarter carries flags (deadlines, anomalies), in plain English. The portal
maps each known text, with its values, onto a gettext message here; a text not (yet) known is
shown as the core wrote it. A DUO file's row errors carry their template and values, and read in
the reader's words through `row_errors.row_error_text`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from billing.duo_import import RowError
from billing.errors import BillingInputError
from provider_portal.i18n import KnownTexts
from provider_portal.invoicing.row_errors import row_error_text

REASONS = KnownTexts(
    (
        (r"(?P<value>'.*') is not a decimal number", _l("%(value)s is not an amount")),
        (r"(?P<value>.+) has more than two decimals", _l("%(value)s has more than two decimals")),
        (r"must be a finite decimal number", _l("is not an amount")),
        (r"must be a decimal number", _l("is not an amount")),
        # A document or a learner the core cannot use (billing/documents.py, billing/validation.py).
        (r"is missing", _l("is missing")),
        (r"is missing or not a valid IBAN", _l("is missing or not a valid IBAN")),
        (r"is missing or fails the elfproef", _l("is missing or fails the elfproef")),
        (r"needs at least one line, each above zero", _l("needs at least one line, each above zero")),
        (r"is missing \(EN 16931 BT-10\)", _l("is missing (EN 16931 BT-10)")),
        (r"(?P<name>.+) needs a KvK number or an OIN", _l("%(name)s needs a KvK number or an OIN")),
        (r"is missing; a contract needs a rate", _l("is missing; a contract needs a rate")),
        (r"must be a positive decimal", _l("must be a positive amount")),
        (r"is missing; must be a positive decimal", _l("is missing; must be a positive amount")),
        (r"must be a zero or positive decimal", _l("must be zero or a positive amount")),
        (r"no cap setting is in force in (?P<quarter>\S+)", _l("no cap setting is in force in %(quarter)s")),
        # The flags of a learner's quarter (billing/rules.py, billing/deadlines.py).
        (r"obligation met on (?P<met_date>[\d-]+): the last invoice must reach DUO by (?P<due_date>[\d-]+)",
         _l("obligation met on %(met_date)s: the last invoice must reach DUO by %(due_date)s")),
        (r"the provider has no valid Keurmerk; DUO pays only Keurmerk holders",
         _l("the provider has no valid Keurmerk; DUO pays only Keurmerk holders")),
        (r"Keurmerk not valid since (?P<lost_date>[\d-]+): invoices for earlier lessons must reach DUO "
         r"by (?P<due_date>[\d-]+)",
         _l("Keurmerk not valid since %(lost_date)s: invoices for earlier lessons must reach DUO by "
            "%(due_date)s")),
        (r"invoiced (?P<over_cents>-?\d+) cents more than delivered; a credit note is needed",
         _l("invoiced %(over_cents)s more than delivered; a credit note is needed")),
        (r"credit notes paid in (?P<quarter>\S+) freed EUR (?P<freed_eur>-?[\d.]+) of cap room in \S+",
         _l("credit notes paid in %(quarter)s freed %(freed_eur)s of cap room in %(quarter)s")),
        (r"other providers invoiced EUR (?P<others_eur>-?[\d.]+) for this learner in (?P<quarter>\S+); "
         r"that counts towards the cap of EUR (?P<cap_eur>-?[\d.]+)",
         _l("other providers invoiced %(others_eur)s for this learner in %(quarter)s; that counts towards "
            "the cap of %(cap_eur)s")),
    )
)


def reason(text: str) -> str:
    """The core's reason `text` in the reader's language (as it is when unknown)."""
    return REASONS.translate(text) or text


def input_problem(exc: BillingInputError) -> str:
    """What the core found wrong with its input: the field it names and why, in the reader's words."""
    return f"{exc.where}: {reason(exc.message)}" if exc.where else reason(exc.message)


def row_error(error: RowError) -> str:
    """A bad row of a DUO file, e.g. "rij 4, kolom bsn: is geen geldig BSN" (its template's words)."""
    return row_error_text(error)
