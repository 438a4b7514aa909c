"""Forms for recording and withdrawing a learner's consent to share progress with the municipality."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired, Optional

from provider_portal.forms_common import DateField, MaxSpan


class ConsentForm(FlaskForm):
    given_on = DateField(_l("Consent given on"), validators=[DataRequired()])
    share_hours = BooleanField(_l("Hours and attendance rate"))
    share_modules = BooleanField(_l("Group modules (KNM, PVT, MAP)"))
    share_exams = BooleanField(_l("Exam bookings and results"))


class WithdrawForm(FlaskForm):
    withdrawn_on = DateField(_l("Withdrawn on"), validators=[DataRequired()])


class PeriodForm(FlaskForm):
    """The report period; read from the query string, so no CSRF token."""

    class Meta:
        csrf = False

    first = DateField(_l("From"), validators=[Optional()])
    last = DateField(_l("Until"), validators=[Optional(), MaxSpan("first")])
