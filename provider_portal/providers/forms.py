"""The provider's own settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from provider_portal import labels
from provider_portal.auth.service import MAX_PASSWORD_LENGTH
from provider_portal.forms_common import (
    DateField,
    choices,
    valid_iban,
    valid_kvk,
    valid_postcode,
    valid_vat_id,
)

KEURMERK_LABELS = labels.KEURMERK


def _blank(value: str | None) -> str:
    """An optional text field left out or empty is stored as "" (the columns are NOT NULL)."""
    return (value or "").strip()


class ProviderForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    bow_number = StringField(_l("BOW number (Blik op Werk)"), validators=[
        DataRequired(), Regexp(r"^[0-9A-Za-z-]{3,20}$", message=_l("3 to 20 letters, digits or dashes."))])
    keurmerk_status = SelectField(_l("Keurmerk status"), choices=choices(KEURMERK_LABELS.items()))
    keurmerk_valid_from = DateField(_l("Keurmerk valid from"), validators=[Optional()])
    keurmerk_valid_until = DateField(_l("Keurmerk valid until"), validators=[Optional()])
    kvk_number = StringField(_l("KvK number"), validators=[DataRequired(), valid_kvk])
    iban = StringField(_l("IBAN"), validators=[DataRequired(), valid_iban])
    vat_id = StringField(_l("VAT identification number (btw-id)"), validators=[valid_vat_id],
                         description=_l("Needed for e-invoices (UBL) to DUO, even though education is "
                                        "exempt from VAT."))
    street = StringField(_l("Street and number"), validators=[DataRequired(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[DataRequired(), valid_postcode])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=100)])
    require_two_factor = BooleanField(
        _l("Require two-factor log-in for all staff"),
        description=_l("Administrators, teachers and finance staff then log in with a code from an app "
                       "as well; whoever has not set it up does so at their next log-in."))
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=20)], filters=[_blank],
                        description=_l("On exam invitation letters, for learners who cannot come."))
    email = StringField(_l("E-mail address"), filters=[_blank], validators=[
        Optional(), Email(message=_l("Not a valid e-mail address.")), Length(max=200)])

    def validate_keurmerk_valid_until(self, field: DateField) -> None:
        start = self.keurmerk_valid_from.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The validity must end after it starts."))


class OnboardingForm(ProviderForm):
    """A platform admin creates a provider and its first administrator."""

    admin_name = StringField(_l("Administrator's name"), validators=[DataRequired(), Length(max=200)])
    admin_email = EmailField(_l("Administrator's e-mail address"), validators=[
        DataRequired(), Email(message=_l("Not a valid e-mail address.")), Length(max=254)])
    admin_password = PasswordField(
        _l("Initial password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        description=_l("At least 12 characters, not a common password; share it with the administrator "
                       "in person. They can then create the provider's other accounts."))
