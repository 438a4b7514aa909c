"""Invoicing forms: a quarter, a status change, a credit note, a DUO file, a cap setting."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from billing.errors import BillingInputError
from billing.quarters import Quarter
from provider_portal.forms_common import choices
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
    reason = TextAreaField(_l("Reason (required for a rejection)"), validators=[Optional(), Length(max=500)])
    paid_amount = DecimalField(
        _l("Amount paid (EUR)"), places=2, validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    paid_on = DateField(_l("Paid on"), validators=[Optional()])


class CreditForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the credit note"), validators=[DataRequired(), Length(max=500)])


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
    amount = DecimalField(
        _l("Cap per learner per quarter (EUR)"),
        places=2,
        validators=[InputRequired(), NumberRange(min=0.01, max=100000)],
    )
    effective_from = StringField(_l("Effective from quarter"), validators=[DataRequired(), valid_quarter])
