"""Planner forms: trainers, cohorts, planning profiles and solver runs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from provider_portal import labels
from provider_portal.forms_common import DateField, IntegerField, MoneyField, choices
from provider_portal.reference.places import LANGUAGES

MODULE_LABELS = {
    "KNM": _l("KNM – Knowledge of Dutch society"),
    "PVT": _l("PVT – Participation statement"),
    "MAP": _l("MAP – Labour market and participation"),
}
DAYS = (
    ("mon", _l("Monday")),
    ("tue", _l("Tuesday")),
    ("wed", _l("Wednesday")),
    ("thu", _l("Thursday")),
    ("fri", _l("Friday")),
    ("sat", _l("Saturday")),
    ("sun", _l("Sunday")),
)
PARTS = (("morning", _l("morning")), ("afternoon", _l("afternoon")), ("evening", _l("evening")))
SLOT_CHOICES = choices(labels.DAY_PART.items())  # lazy: "maandagochtend" in Dutch, not "Monday morning"


class TrainerForm(FlaskForm):
    municipality = SelectField(_l("Municipality"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[Optional(), Length(max=254)])


class TrainerEditForm(FlaskForm):
    """The planner edits a trainer: name, e-mail, the languages they teach in and when they can."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[Optional(), Length(max=254)])
    languages = SelectMultipleField(
        _l("Teaches in"), choices=choices(LANGUAGES.items()),
        validators=[DataRequired(message=_l("Choose at least one language."))])
    availability = SelectMultipleField(
        _l("Available"), choices=SLOT_CHOICES,
        validators=[DataRequired(message=_l("Choose at least one day part."))])


class CohortForm(FlaskForm):
    municipality = SelectField(_l("Municipality"))
    module = SelectField(_l("Module"), choices=choices(MODULE_LABELS.items()))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    venue = StringField(_l("Venue"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language of instruction"), choices=choices(LANGUAGES.items()))
    trainer_id = SelectField(_l("Trainer"), coerce=int, validators=[InputRequired()])
    min_size = IntegerField(_l("Minimum size"), validators=[InputRequired(), NumberRange(min=1, max=60)])
    max_size = IntegerField(_l("Maximum size"), validators=[InputRequired(), NumberRange(min=1, max=60)])
    cost = MoneyField(_l("Cost to run (EUR)"), places=2, validators=[Optional(), NumberRange(min=0)])
    first_day = DateField(_l("First meeting"), validators=[InputRequired()])
    meetings = IntegerField(_l("Number of weekly meetings"), validators=[InputRequired(), NumberRange(1, 20)])
    start_time = TimeField(_l("Start"), validators=[InputRequired()])
    end_time = TimeField(_l("End"), validators=[InputRequired()])


class ProfileForm(FlaskForm):
    availability = SelectMultipleField(
        _l("Available"),
        choices=SLOT_CHOICES,
        validators=[DataRequired(message=_l("Choose at least one day part."))],
    )
    preferred = SelectMultipleField(_l("Preferred"), choices=SLOT_CHOICES, validators=[Optional()])
    max_travel_km = IntegerField(_l("Maximum travel (km)"), validators=[InputRequired(), NumberRange(1, 150)])
    earliest_start = DateField(_l("Earliest start"), validators=[Optional()])


class RunForm(FlaskForm):
    municipalities = SelectMultipleField(
        _l("Municipalities"), validators=[DataRequired(message=_l("Choose at least one municipality."))]
    )
    time_limit = IntegerField(
        _l("Time limit (seconds)"), default=30, validators=[InputRequired(), NumberRange(min=5, max=600)]
    )
