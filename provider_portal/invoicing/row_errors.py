"""The rows errors of a DUO file import, in the reader's language.

The billing core and the import service build a `RowError` from an English template and its
values; every template is listed here once with `_l`, so Babel extracts it and the Dutch
translation lives in messages.po (a test checks that no template is missing from this table).
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from billing.duo_import import RowError
from provider_portal.labels import label

STATUS_PARAMS = ("current", "target")  # invoice statuses, shown in the reader's words

REASONS = {
    # billing/duo_import.py
    "the file is not UTF-8: %(detail)s": _l("the file is not UTF-8: %(detail)s"),
    # billing/spreadsheet.py (every CSV upload)
    "the file is not UTF-8 text": _l("the file is not UTF-8 text"),
    "the file is UTF-16 text, not UTF-8": _l("the file is UTF-16 text, not UTF-8"),
    "the file is not a text file": _l("the file is not a text file"),
    "a cell is longer than %(max)s characters": _l("a cell is longer than %(max)s characters"),
    "the row cannot be read as CSV (check its quotes)": _l(
        "the row cannot be read as CSV (check its quotes)"
    ),
    "column is missing from the header": _l("column is missing from the header"),
    "has %(count)s fields, expected %(expected)s": _l("has %(count)s fields, expected %(expected)s"),
    "is empty": _l("is empty"),
    "is not a valid BSN": _l("is not a valid BSN"),
    "'%(value)s' is not OK or FOUT": _l("'%(value)s' is not OK or FOUT"),
    "is empty on a FOUT row": _l("is empty on a FOUT row"),
    "'%(value)s' is not one of %(allowed)s": _l("'%(value)s' is not one of %(allowed)s"),
    "'%(value)s' is not a date (YYYY-MM-DD)": _l("'%(value)s' is not a date (YYYY-MM-DD)"),
    "is empty on a BETAALD row": _l("is empty on a BETAALD row"),
    "'%(value)s' is negative; DUO reports what it paid": _l(
        "'%(value)s' is negative; DUO reports what it paid"
    ),
    "'%(value)s' is not an amount in euros such as 1044.00": _l(
        "'%(value)s' is not an amount in euros such as 1044.00"
    ),
    "is 0.00 on a BETAALD row": _l("is 0.00 on a BETAALD row"),
    "is empty on an AFGEWEZEN row": _l("is empty on an AFGEWEZEN row"),
    # provider_portal/invoicing/imports.py
    "the file has no rows": _l("the file has no rows"),
    "%(number)s is not an issued invoice of this provider": _l(
        "%(number)s is not an issued invoice of this provider"
    ),
    "does not match the BSN on %(number)s": _l("does not match the BSN on %(number)s"),
    "%(number)s is %(current)s and cannot become %(target)s": _l(
        "%(number)s is %(current)s and cannot become %(target)s"
    ),
    "%(number)s is %(current)s after row %(previous)s and cannot become %(target)s": _l(
        "%(number)s is %(current)s after row %(previous)s and cannot become %(target)s"
    ),
    "%(date)s is before %(number)s was issued on %(issued)s": _l(
        "%(date)s is before %(number)s was issued on %(issued)s"
    ),
    "%(date)s is before %(previous_date)s of row %(previous)s for %(number)s": _l(
        "%(date)s is before %(previous_date)s of row %(previous)s for %(number)s"
    ),
    "%(number)s could not be updated: %(detail)s": _l("%(number)s could not be updated: %(detail)s"),
}


def row_error_text(error: RowError) -> str:
    """`row 3, column bsn: is not a valid BSN`, in the reader's language (Dutch by default)."""
    template = REASONS.get(error.template)
    params = {key: _in_sentence(label(value, "invoice_status")) if key in STATUS_PARAMS else value
              for key, value in dict(error.params).items()}
    reason = str(template) % params if template is not None else error.reason
    return _("row %(row)s, column %(column)s: %(reason)s", row=error.row, column=error.column, reason=reason)


def _in_sentence(word: object) -> str:
    """A status label inside a sentence: "Betaald" reads "betaald" there."""
    text = str(word)
    return text[:1].lower() + text[1:]
