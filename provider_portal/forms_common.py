"""Shared WTForms pieces: validators that use python-stdnum, and field helpers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

import wtforms
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import btw as stdnum_btw
from stdnum.nl import postcode as stdnum_postcode
from werkzeug.datastructures import FileStorage
from wtforms import Field, SelectChoice
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import Select, html_params

from provider_portal.input_guards import MAX_DB_INT, MAX_SPAN_DAYS, span_too_long

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)  # dates outside this are typing errors
MAX_EUROS = Decimal("21474836.47")  # the most cents a PostgreSQL integer column holds


def read_upload(upload: FileStorage) -> bytes:
    """An uploaded file's bytes, the file closed at once: Werkzeug spools an upload over 500 KB to a
    temporary file, which would otherwise stay open while the import runs (Flask closes it only when
    the request ends). Every view that takes a file reads it through here."""
    try:
        return upload.read()
    finally:
        upload.close()


def valid_bsn(_form: Any, field: Field) -> None:
    """BSN: 9 digits passing the elfproef (stdnum.nl.bsn); stored compact."""
    try:
        field.data = stdnum_bsn.validate(field.data or "")
    except StdnumError as exc:
        raise ValidationError(_l("Not a valid BSN: it must be 9 digits that pass the elfproef.")) from exc


def valid_postcode(_form: Any, field: Field) -> None:
    """Dutch postcode such as 3511 AB; stored as 3511AB."""
    try:
        field.data = stdnum_postcode.validate(field.data or "").replace(" ", "")
    except StdnumError as exc:
        raise ValidationError(_l("Not a valid Dutch postcode (e.g. 3511 AB).")) from exc


def valid_iban(_form: Any, field: Field) -> None:
    """IBAN with a correct check digit (stdnum.iban); stored compact."""
    try:
        field.data = stdnum_iban.validate(field.data or "")
    except StdnumError as exc:
        raise ValidationError(_l("Not a valid IBAN: check the number and its check digits.")) from exc


def valid_kvk(_form: Any, field: Field) -> None:
    """KvK number: exactly 8 digits."""
    value = (field.data or "").replace(" ", "")
    if not (value.isdigit() and len(value) == 8):
        raise ValidationError(_l("A KvK number has exactly 8 digits."))
    field.data = value


def valid_vat_id(_form: Any, field: Field) -> None:
    """btw-identificatienummer (stdnum.nl.btw), stored as NL + 9 digits + B + 2 digits; empty is None."""
    value = (field.data or "").strip()
    if not value:
        field.data = None
        return
    try:
        field.data = "NL" + stdnum_btw.validate(value)
    except StdnumError as exc:
        raise ValidationError(_l("Not a valid VAT identification number: NL, 9 digits, B and 2 digits "
                                 "(e.g. NL002455799B11), with a correct check digit.")) from exc


def choices(pairs: Iterable[tuple[str, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs, in WTForms' SelectChoice form."""
    return [SelectChoice(value, label) for value, label in pairs]


class CachedSelect(Select):
    """A select whose options' HTML is built once per value, label and selection, not per request.

    For long fixed lists (the 342 municipalities, the languages): WTForms formats each option's
    attributes anew on every render, and the learner list's filter form spent more CPU on that
    than on the rest of the page (bench/web/cpu.py --profile "learner list").
    """

    @classmethod
    def render_option(cls, choice: SelectChoice, **kwargs: Any) -> Markup:
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        return _option(choice.value, str(choice.label or choice.value), bool(choice.selected))


@lru_cache(maxsize=8192)
def _option(value: str, label: str, selected: bool) -> Markup:
    params = html_params(value=value, selected=True) if selected else html_params(value=value)
    return Markup(f"<option {params}>{escape(label)}</option>")


class _SaneDate:
    """A date field refusing dates outside 1900-2100 (year 9999 overflowed date arithmetic: a 500)."""

    data: date | None

    def pre_validate(self, _form: Any) -> None:
        if self.data is not None and not FIRST_DAY <= self.data <= LAST_DAY:
            raise StopValidation(_l("Enter a date between 1900 and 2100."))


class DateField(_SaneDate, wtforms.DateField):
    """WTForms' DateField, bounded to 1900-2100; every form of the portal uses this one."""


class MonthField(_SaneDate, wtforms.MonthField):
    """WTForms' MonthField (yyyy-mm), bounded to 1900-2100."""


class MaxSpan:
    """Validator on a period's last-day field: at most MAX_SPAN_DAYS after the form's `first` field."""

    def __init__(self, first: str) -> None:
        self.first = first

    def __call__(self, form: Any, field: Field) -> None:
        start = form[self.first]
        if field.data and start.data and span_too_long(start.data, field.data):
            raise ValidationError(_l("%(field)s may be at most %(days)s days (two years) after %(first)s.",
                                     field=field.label.text, days=MAX_SPAN_DAYS, first=start.label.text))


class _Refusing:
    """A field whose parser refused the input: its message alone is shown, not also the range check's."""

    refused = False

    def pre_validate(self, _form: Any) -> None:
        if self.refused:
            raise StopValidation()


class IntegerField(_Refusing, wtforms.IntegerField):
    """A whole number in ASCII digits that fits a PostgreSQL integer column; else a field error."""

    data: int | None

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.refused = False
        super().process_formdata(valuelist)
        raw = str(valuelist[0]).strip().removeprefix("-") if valuelist else ""
        if self.data is not None and (not raw.isascii() or abs(self.data) > MAX_DB_INT):
            self.data, self.refused = None, True
            raise ValueError(_l("Enter a whole number of at most %(max)s.", max=MAX_DB_INT))


class MoneyField(_Refusing, wtforms.DecimalField):
    """Euros with two decimals; NaN, infinity and amounts beyond the cents columns are a field error.

    `sNaN` crashed NumberRange and `1e309` overflowed the cohort's cost column: both were 500s.
    """

    data: Decimal | None

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("places", 2)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.refused = False
        super().process_formdata(valuelist)
        if self.data is not None and (not self.data.is_finite() or abs(self.data) > MAX_EUROS):
            self.data, self.refused = None, True
            raise ValueError(_l("Enter an amount in euros, at most %(max)s.", max=str(MAX_EUROS)))
