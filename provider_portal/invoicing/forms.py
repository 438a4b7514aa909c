"""Invoicing forms: a quarter, a status change, a credit note, a DUO file, a cap setting, and
another provider's invoice for a learner."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from billing.errors import BillingInputError
from billing.quarters import Quarter
from provider_portal.forms_common import DateField, MoneyField, choices
from provider_portal.invoicing.others import ENTRY_MESSAGES, EntryError, parse_amount_cents, parse_quarter
from provider_portal.models.invoicing import InvoiceStatus


def valid_quarter(_form: Any, field: Any) -> None:
    """`2026-Q3`."""
    try:
        Quarter.parse(field.data or "")
    except BillingInputError as exc:
        raise ValidationError(_l("Enter a quarter such as 2026-Q3.")) from exc


class QuarterForm(FlaskForm):
    quarter = StringField(_l("Quarter"), validators=[DataRequired(), valid_quarter])


class StatusForm(FlaskForm):
    status = SelectField(
        _l("New status"),
        choices=choices(
            [
                (InvoiceStatus.SUBMITTED, _l("Submitted to DUO")),
                (InvoiceStatus.ACCEPTED, _l("Accepted by the learner")),
                (InvoiceStatus.REJECTED, _l("Rejected")),
                (InvoiceStatus.PAID, _l("Paid")),
            ]
        ),
    )
    # Own ids: the invoice page shows this form beside the credit form, both with a `reason`.
    reason = TextAreaField(_l("Reason (required for a rejection)"), id="status-reason",
                           validators=[Optional(), Length(max=500)])
    paid_amount = MoneyField(
        _l("Amount paid (EUR)"), places=2, validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    paid_on = DateField(_l("Paid on"), validators=[Optional()])


class CreditForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the credit note"), id="credit-reason",
                           validators=[DataRequired(), Length(max=500)])


class ImportForm(FlaskForm):
    kind = SelectField(
        _l("File"),
        choices=choices(
            [
                ("result", _l("Result of submitted invoices (next working day)")),
                ("status", _l("Weekly overview of invoice statuses")),
            ]
        ),
    )
    file = FileField(_l("CSV file from Mijn DUO"), validators=[FileRequired()])


class CapForm(FlaskForm):
    amount = MoneyField(
        _l("Cap per learner per quarter (EUR)"),
        places=2,
        validators=[InputRequired(), NumberRange(min=0.01, max=100000)],
    )
    effective_from = StringField(_l("Effective from quarter"), validators=[DataRequired(), valid_quarter])


def entry_message(exc: EntryError) -> str:
    """The translated message of a refused entry (the running-net refusal names its quarter)."""
    return str(exc.message)


def _entry_validator(parse: Any) -> Any:
    """A WTForms validator from a parser of `others`: its EntryError becomes the field's error."""

    def check(_form: Any, field: Any) -> None:
        try:
            parse(field.data)
        except EntryError as exc:
            raise ValidationError(entry_message(exc)) from exc

    return check


class OtherInvoiceForm(FlaskForm):
    """Another provider's invoice for the learner in a quarter, or its paid credit note (negative)."""

    quarter = StringField(_l("Quarter"), validators=[_entry_validator(parse_quarter)])
    amount = StringField(
        _l("Amount (EUR)"),
        description=_l(
            "Negative for a credit note the other provider had paid in that quarter, e.g. -250,00."
        ),
        validators=[_entry_validator(parse_amount_cents)],
    )
    other_provider = StringField(
        _l("Other provider (name or BOW number)"),
        validators=[
            DataRequired(message=ENTRY_MESSAGES["other_provider", "required"]),
            Length(max=200, message=_l("Other provider: at most 200 characters.")),
        ],
    )
    note = StringField(
        _l("Note or source"),
        description=_l("For example: the learner's Mijn Inburgering overview of 12 October."),
        validators=[Optional(), Length(max=500, message=_l("Note: at most 500 characters."))],
    )
