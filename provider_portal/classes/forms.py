"""Class, enrolment, lesson and closure forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from provider_portal.classes.schedule import WeeklySlot
from provider_portal.forms_common import DateField, IntegerField, MaxSpan, choices
from provider_portal.models.enums import ClassLevel

WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
LEVEL_LABELS = {
    ClassLevel.ALFA: _l("Literacy (alfa)"),
    ClassLevel.A1: "A1",
    ClassLevel.A2: "A2",
    ClassLevel.B1: "B1",
    ClassLevel.B2: "B2",
}


class ClassForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    level = SelectField(_l("Level"), choices=choices(LEVEL_LABELS.items()))
    ona = BooleanField(
        _l("ONA class (orientation on the Dutch labour market)"),
        description=_l("Hours attended in this class are reported to DUO as ONA hours."),
    )
    location = StringField(_l("Location"), validators=[DataRequired(), Length(max=200)])
    room = StringField(_l("Room"), validators=[Optional(), Length(max=60)])
    start_date = DateField(_l("First day"), validators=[InputRequired()])
    end_date = DateField(_l("Last day"), validators=[InputRequired(), MaxSpan("start_date")])
    max_size = IntegerField(_l("Maximum size"), validators=[InputRequired(), NumberRange(min=1, max=40)])
    teachers = SelectMultipleField(
        _l("Teachers"), coerce=int, validators=[DataRequired(message=_l("Choose at least one teacher."))]
    )

    def validate_end_date(self, field: DateField) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The class must end on or after its first day."))

    def slots(self) -> tuple[WeeklySlot, ...]:
        """The weekly slots filled in (weekday rows with both times)."""
        return tuple(WeeklySlot(day, start, end) for day, start, end in self._times() if start and end)

    def _times(self) -> list[tuple[int, time | None, time | None]]:
        return [(day, self[f"start_{day}"].data, self[f"end_{day}"].data) for day in range(7)]

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        ok = super().validate(extra_validators)
        for day, start, end in self._times():
            if bool(start) != bool(end):
                self[f"end_{day}"].errors = [_l("Give both a start and an end time, or neither.")]
                ok = False
            elif start and end and end <= start:
                self[f"end_{day}"].errors = [_l("The lesson must end after it starts.")]
                ok = False
        if ok and not self.slots():
            self.start_0.errors = [_l("Give at least one weekday with a start and end time.")]
            ok = False
        return ok


for _day in range(7):
    setattr(ClassForm, f"start_{_day}", TimeField(_l("Start"), validators=[Optional()]))
    setattr(ClassForm, f"end_{_day}", TimeField(_l("End"), validators=[Optional()]))


class EnrolForm(FlaskForm):
    learner_id = SelectField(_l("Learner"), coerce=int, validators=[InputRequired()])
    from_date = DateField(_l("From"), validators=[InputRequired()])
    to_date = DateField(_l("Until"), validators=[Optional()])


class EndEnrolmentForm(FlaskForm):
    to_date = DateField(_l("Last day"), validators=[InputRequired()])


class LessonForm(FlaskForm):
    lesson_date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Start"), validators=[InputRequired()])
    end_time = TimeField(_l("End"), validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class CancelLessonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])


class ClosureForm(FlaskForm):
    first_day = DateField(_l("First day"), validators=[InputRequired()])
    last_day = DateField(_l("Last day"), validators=[InputRequired(), MaxSpan("first_day")])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])
