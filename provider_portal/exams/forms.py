"""Exam planner forms: a location's calendar, closed days, runs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from provider_portal.forms_common import DateField, IntegerField, MaxSpan, choices

WEEKDAY_CHOICES = choices(
    [
        ("0", _l("Monday")),
        ("1", _l("Tuesday")),
        ("2", _l("Wednesday")),
        ("3", _l("Thursday")),
        ("4", _l("Friday")),
    ]
)


class CalendarForm(FlaskForm):
    first = DateField(_l("From"), validators=[InputRequired()])
    last = DateField(_l("Until"), validators=[InputRequired(), MaxSpan("first")])
    weekdays = SelectMultipleField(
        _l("Exam days"),
        choices=WEEKDAY_CHOICES,
        validators=[DataRequired(message=_l("Choose at least one weekday."))],
    )
    seats = IntegerField(
        _l("Seats per session"), default=20, validators=[InputRequired(), NumberRange(1, 200)]
    )
    examiners = IntegerField(
        _l("ONA examiners per slot"), default=2, validators=[InputRequired(), NumberRange(0, 20)]
    )


class AddressForm(FlaskForm):
    address = StringField(_l("Address for the letters"), filters=[lambda v: (v or "").strip()],
                          validators=[DataRequired(), Length(max=200)],
                          description=_l("Street, number, postcode and town, as the invitation "
                                         "letters print it."))


class CloseDayForm(FlaskForm):
    day = DateField(_l("Closed on"), validators=[InputRequired()])
