"""Contract forms: the model contract's figures, and termination with date and reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from provider_portal.forms_common import DateField, IntegerField, MoneyField


class ContractForm(FlaskForm):
    number = StringField(_l("Contract number"), validators=[DataRequired(), Length(max=30)])
    start_date = DateField(_l("Start"), validators=[InputRequired()])
    end_date = DateField(_l("End"), validators=[InputRequired()])
    purchased_hours = IntegerField(_l("Purchased hours"),
                                   validators=[InputRequired(), NumberRange(min=1, max=3000)])
    hourly_rate = MoneyField(_l("Hourly rate (EUR)"), places=2,
                               validators=[InputRequired(), NumberRange(min=0.01, max=500)])
    total_price = MoneyField(
        _l("Total price (EUR)"), places=2, validators=[Optional(), NumberRange(min=0, max=100000)],
        description=_l("Leave empty for purchased hours times the hourly rate."),
    )

    def validate_end_date(self, field: DateField) -> None:
        if field.data and self.start_date.data and field.data <= self.start_date.data:
            raise ValidationError(_l("The contract must end after it starts."))


class TerminationForm(FlaskForm):
    terminated_on = DateField(_l("Terminated on"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
