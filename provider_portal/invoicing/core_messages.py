"""The billing core's English reasons, in the reader's language.

The core (`billing/`) stays pure and English: its DUO-file parser and money parser say why a cell
is bad in plain English. The portal maps each known reason, with its values, onto a gettext
message here; a reason not (yet) known is shown as the core wrote it.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from billing.duo_import import RowError

REASONS: tuple[tuple[re.Pattern[str], Any], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"the file is not UTF-8: .*", _l("the file is not UTF-8: save it as UTF-8 and try again")),
        (r"column is missing from the header", _l("column is missing from the header")),
        (r"has (?P<found>\d+) fields, expected (?P<expected>\d+)",
         _l("has %(found)s fields, expected %(expected)s")),
        (r"is empty", _l("is empty")),
        (r"is not a valid BSN", _l("is not a valid BSN")),
        (r"(?P<value>'.*') is not OK or FOUT", _l("%(value)s is not OK or FOUT")),
        (r"is empty on a FOUT row", _l("is empty on a FOUT row")),
        (r"(?P<value>'.*') is not one of (?P<allowed>.+)", _l("%(value)s is not one of %(allowed)s")),
        (r"(?P<value>'.*') is not a date", _l("%(value)s is not a date (use YYYY-MM-DD)")),
        (r"is empty on an AFGEWEZEN row", _l("is empty on an AFGEWEZEN row")),
        (r"(?P<value>'.*') is not a decimal number", _l("%(value)s is not an amount")),
        (r"(?P<value>.+) has more than two decimals", _l("%(value)s has more than two decimals")),
        (r"must be a finite decimal number", _l("is not an amount")),
        (r"must be a decimal number", _l("is not an amount")),
    )
)


def reason(text: str) -> str:
    """The core's reason `text` in the reader's language (as it is when unknown)."""
    for pattern, message in REASONS:
        match = pattern.fullmatch(text)
        if match:
            return str(message) % match.groupdict() if match.groupdict() else str(message)
    return text


def row_error(error: RowError) -> str:
    """A bad row of a DUO file, e.g. "rij 4, kolom bsn: is geen geldig BSN"."""
    return _("row %(row)s, column %(column)s: %(reason)s", row=error.row, column=error.column,
             reason=reason(error.reason))
