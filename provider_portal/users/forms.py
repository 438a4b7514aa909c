"""Forms for a provider admin managing the provider's staff accounts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length

from provider_portal import labels
from provider_portal.auth.service import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from provider_portal.forms_common import choices
from provider_portal.models.enums import PLATFORM_ROLES, Role
from provider_portal.reference import municipalities as gemeenten

ROLE_LABELS = labels.ROLE
STAFF_ROLES = (Role.PROVIDER_ADMIN, Role.TEACHER, Role.FINANCE)


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices((r, ROLE_LABELS[r]) for r in STAFF_ROLES))
    active = BooleanField(_l("Active (may log in)"))


PASSWORD_LENGTH = Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)


class UserCreateForm(UserEditForm):
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(), Email(message=_l("Not a valid e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), PASSWORD_LENGTH],
                             description=_l("At least 12 characters, not a common password; share it "
                                            "with the user in person."))


class LearnerLoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(), Email(message=_l("Not a valid e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), PASSWORD_LENGTH],
                             description=_l("At least 12 characters, not a common password; share it "
                                            "with the learner in person."))


class PasswordResetForm(FlaskForm):
    """An administrator sets a new password for an account; the policy is the service's."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
                             description=_l("At least 12 characters, not a common password; share it "
                                            "with the user in person."))


class PlatformAccountForm(FlaskForm):
    """A new planner or platform admin. Municipalities are checked by the service (not by WTForms'
    choice check), so an unknown or missing one gets the same message as on the command line."""

    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(), Email(message=_l("Not a valid e-mail address.")), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices((r, ROLE_LABELS[r]) for r in PLATFORM_ROLES))
    municipalities = SelectMultipleField(
        _l("Municipalities"), choices=choices(gemeenten.choices()),
        validate_choice=False,
        description=_l("For a planner: the municipalities whose learners, cohorts and trainers they plan."))
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 10 characters; share it with the user in person."))
