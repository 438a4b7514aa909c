"""Forms of the exam path: readiness, a result by hand, the obligation, hours at another provider."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from provider_portal import labels
from provider_portal.exam_path.readiness import LEVELS
from provider_portal.forms_common import DateField, IntegerField, MoneyField, choices


class DecimalCommaField(MoneyField):
    """A number with a decimal comma (120,5) or point; unreadable input is one clear field error."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = [str(v).strip().replace(",", ".") for v in valuelist]
        try:
            super().process_formdata(raw)
        except ValueError:
            self.data, self.refused = None, True
            raise ValueError(_l("Enter a number, e.g. 120,5.")) from None


RESULT_CHOICES = {"passed": _l("Passed"), "failed": _l("Not passed")}
EVIDENCE_TYPES = ["pdf", "jpg", "jpeg", "png"]
EVIDENCE_BYTES = 5 * 1024 * 1024


class ReadinessForm(FlaskForm):
    component = SelectField(_l("Component"))
    ready_on = DateField(_l("Ready since"), validators=[Optional()])
    level = SelectField(_l("Level"), choices=choices((v, v) for v in LEVELS))
    save = SubmitField(_l("Mark as exam-ready"))
    withdraw = SubmitField(_l("Withdraw readiness"))

    def validate_ready_on(self, field: DateField) -> None:
        if self.save.data and field.data is None:
            raise ValidationError(_l("Enter the date the learner became ready."))


class ResultForm(FlaskForm):
    component = SelectField(_l("Component"))
    exam_date = DateField(_l("Exam date"), validators=[InputRequired()])
    level = SelectField(_l("Level"), choices=choices((v, v) for v in LEVELS))
    result = SelectField(_l("Result"), choices=choices(RESULT_CHOICES.items()))
    attempt = IntegerField(_l("Attempt (empty: the next one)"), validators=[Optional(), NumberRange(1, 20)])


class ObligationForm(FlaskForm):
    met_on = DateField(_l("Met on"), validators=[Optional()])
    ground = SelectField(_l("Ground"), choices=choices(labels.OBLIGATION_GROUND.items()))
    reason = TextAreaField(_l("Reason"), validators=[Length(max=500)],
                           description=_l("Required for a decision, an exemption and every correction."))
    save = SubmitField(_l("Record"))
    withdraw = SubmitField(_l("Withdraw"))

    def validate_met_on(self, field: DateField) -> None:
        if self.save.data and field.data is None:
            raise ValidationError(_l("Enter the date the obligation was met."))


class ExternalHoursForm(FlaskForm):
    provider_name = StringField(_l("Provider"), validators=[DataRequired(), Length(max=200)])
    keurmerk = BooleanField(_l("The provider held the Keurmerk in this period"), default=True)
    period_from = DateField(_l("From"), validators=[InputRequired()])
    period_to = DateField(_l("To"), validators=[InputRequired()])
    hours = DecimalCommaField(_l("Hours of lessons"), validators=[InputRequired(), NumberRange(0.5, 5000)])
    evidence = FileField(_l("Evidence (PDF, JPG or PNG)"), validators=[
        FileRequired(message=_l("Choose the evidence file.")),
        FileAllowed(EVIDENCE_TYPES, message=_l("Upload a PDF, JPG or PNG file.")),
        FileSize(EVIDENCE_BYTES, message=_l("The file is larger than 5 MB.")),
    ])

    def validate_period_to(self, field: DateField) -> None:
        if field.data and self.period_from.data and field.data < self.period_from.data:
            raise ValidationError(_l("The period must end on or after its first day."))
