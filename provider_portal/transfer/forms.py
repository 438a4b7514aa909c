"""Forms of the transfer pages: an upload with its kind, an export period, a DUO reporting month."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import SelectField
from wtforms.validators import InputRequired, ValidationError

from provider_portal.forms_common import DateField, MaxSpan, MonthField, choices
from provider_portal.transfer.importer import ImportKind

KIND_LABELS = {
    ImportKind.LEARNERS: _l("Learners"),
    ImportKind.CONTRACTS: _l("Contracts"),
    ImportKind.ENROLMENTS: _l("Enrolments"),
    ImportKind.RESULTS: _l("DUO exam results"),
}
MAX_BYTES = 5 * 1024 * 1024  # 5,000 learner rows take well under 1 MB
FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel (XLSX)"}


class ImportForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), choices=choices(KIND_LABELS.items()))
    file = FileField(_l("File (.csv or .xlsx)"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], message=_l("Upload a .csv or .xlsx file.")),
        FileSize(MAX_BYTES, message=_l("The file is larger than 5 MB; split it.")),
    ])


class PeriodForm(FlaskForm):
    """A GET form: downloads change nothing, so no CSRF token."""

    class Meta:
        csrf = False

    since = DateField(_l("From"), validators=[InputRequired()])
    until = DateField(_l("To"), validators=[InputRequired(), MaxSpan("since")])
    format = SelectField(_l("Format"), choices=choices(FORMAT_LABELS.items()))

    def validate_until(self, field: DateField) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The period must end on or after its first day."))


class DuoForm(FlaskForm):
    class Meta:
        csrf = False

    month = MonthField(_l("Reporting month"), validators=[InputRequired()])
