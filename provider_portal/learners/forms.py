"""The learner form: every field validated, with a message that names what is wrong."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from provider_portal import clock, labels
from provider_portal.forms_common import (
    CachedSelect,
    DateField,
    MoneyField,
    choices,
    valid_bsn,
    valid_postcode,
)
from provider_portal.privacy import too_many_digits
from provider_portal.reference import municipalities as gemeenten
from provider_portal.reference.places import LANGUAGES

ROUTE_LABELS = labels.ROUTE
MIGRANT_LABELS = labels.MIGRANT_TYPE


class LearnerForm(FlaskForm):
    bsn = StringField(_l("BSN"), validators=[DataRequired(), valid_bsn])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    date_of_birth = DateField(_l("Date of birth"), validators=[InputRequired()])
    migrant_type = SelectField(_l("Migrant type"), choices=choices(MIGRANT_LABELS.items()))
    route = SelectField(_l("Route"), choices=choices(ROUTE_LABELS.items()))
    municipality = StringField(
        _l("Municipality"), validators=[DataRequired(), Length(max=100)],
        render_kw={"list": "municipality-options", "autocomplete": "off"},
        description=_l("Type to search all Dutch municipalities, e.g. Nieuwegein or Zeist."))
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), valid_postcode])
    street_address = StringField(_l("Street and number"), validators=[Optional(), Length(max=120)],
                                 filters=[lambda v: (v or "").strip()],
                                 description=_l("For letters such as exam invitations."))
    place = StringField(_l("Place of residence"), validators=[Optional(), Length(max=100)],
                        filters=[lambda v: (v or "").strip()],
                        description=_l("Only when it differs from the municipality, "
                                       "e.g. De Meern in Utrecht."))
    languages = SelectMultipleField(
        _l("Languages spoken"), choices=choices(LANGUAGES.items()),
        validators=[DataRequired(message=_l("Choose at least one language."))],
    )
    duo_term_start = DateField(_l("DUO term start"), validators=[InputRequired()])
    duo_term_end = DateField(_l("DUO term end"), validators=[Optional()],
                             description=_l("Leave empty for three years after the start."))
    duo_term_extended_until = DateField(_l("Extended until"), validators=[Optional()])
    loan_amount = MoneyField(_l("DUO loan (EUR)"), places=2,
                               validators=[InputRequired(), NumberRange(min=0, max=100000)])

    def validate_municipality(self, field: StringField) -> None:
        """Any Dutch municipality, typed as CBS writes it, by a common alias or by its CBS code;
        stored under its CBS name."""
        name = gemeenten.resolve(field.data or "")
        if name is None:
            raise ValidationError(_l("Not a Dutch municipality; choose one from the list."))
        field.data = name

    def validate_date_of_birth(self, field: DateField) -> None:
        today = clock.today()
        if field.data and (field.data > today or today.year - field.data.year < 16):
            raise ValidationError(_l("A learner must be at least 16 years old."))

    def validate_duo_term_end(self, field: DateField) -> None:
        if field.data and self.duo_term_start.data and field.data <= self.duo_term_start.data:
            raise ValidationError(_l("The term must end after it starts."))

    def validate_duo_term_extended_until(self, field: DateField) -> None:
        end = self.duo_term_end.data
        if field.data and end and field.data <= end:
            raise ValidationError(_l("An extension must end after the original term."))


class LearnerFilterForm(FlaskForm):
    """The list's search and filters; a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    route = SelectField(_l("Route"), choices=choices([("", _l("All routes")), *ROUTE_LABELS.items()]),
                        validators=[Optional()], widget=CachedSelect())
    municipality = SelectField(
        _l("Municipality"), validators=[Optional()], widget=CachedSelect(),
        choices=choices([("", _l("All municipalities")), *gemeenten.choices()]),
    )
    language = SelectField(_l("Language"), choices=choices([("", _l("All languages")), *LANGUAGES.items()]),
                           validators=[Optional()], widget=CachedSelect())

    def validate_q(self, field: StringField) -> None:
        """More than 4 digits of a BSN is refused, and dropped so no link or form echoes it."""
        if too_many_digits(field.data or ""):
            field.data = ""
            raise ValidationError(_l("Search here by name or at most the last 4 digits of a BSN. "
                                     "Look up a full BSN with the form 'Find by BSN'."))

    def pager_args(self, args: Mapping[str, str]) -> dict[str, str]:
        """The query's arguments for the pager's links: without the page, and without a refused search."""
        return {k: v for k, v in args.items() if k != "page" and v and not (k == "q" and self.q.errors)}


class BsnLookupForm(FlaskForm):
    """Find one learner by full BSN: a POST form, so the number never lands in a URL or access log."""

    bsn = StringField(_l("BSN"), validators=[DataRequired(), valid_bsn])
