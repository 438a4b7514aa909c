"""Log-in and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from provider_portal.auth.service import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"),
                        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords do not match."))],
    )


CODE_INPUT = {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}


class CodeForm(FlaskForm):
    """The second log-in step, and the confirmation of a new secret."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       render_kw=CODE_INPUT)


class TwoFactorDisableForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)],
                       render_kw=CODE_INPUT,
                       description=_l("The 6-digit code from your app, or a recovery code."))


class TwoFactorResetForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)],
                         description=_l("For the audit trail, e.g. how you checked who asked."))


class AccountLookupForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
