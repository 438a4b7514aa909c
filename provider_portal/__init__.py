"""The provider portal: a Flask app factory wiring config, extensions, blueprints and error pages."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, has_request_context, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from provider_portal import db, privacy
from provider_portal.access import enforce_access
from provider_portal.config import load_config
from provider_portal.errors import register_error_handlers
from provider_portal.extensions import babel, csrf, limiter, login_manager
from provider_portal.i18n import register_i18n, select_locale
from provider_portal.input_guards import register_input_guards
from provider_portal.labels import register_labels
from provider_portal.security import register_security_headers


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the portal. `test_config` overrides the environment's settings (tests only)."""
    config = load_config()
    config.update(test_config or {})
    app = Flask(__name__, instance_path=config["INSTANCE_PATH"], instance_relative_config=False)
    app.config.update(config)
    if app.config.get("TRUSTED_PROXIES"):  # the client's address, not the proxy's, for the log-in limits
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    privacy.install()
    db.init_db(app)
    register_input_guards(app)  # before the blueprints: their `<int:id>` routes use its converter
    app.before_request(enforce_access)  # before CSRF: a forbidden POST is a 403, not a 400
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_i18n(app)
    register_labels(app)
    register_commands(app)
    register_security_headers(app)
    app.before_request(_bind_tenant)
    app.context_processor(_template_globals)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions of `extensions.py`."""
    from provider_portal.auth.loader import load_user

    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)


def register_blueprints(app: Flask) -> None:
    """One blueprint per area."""
    from provider_portal.attendance.me import bp as me_bp
    from provider_portal.attendance.report_views import bp as attendance_bp
    from provider_portal.attendance.views import bp as register_bp
    from provider_portal.auth.views import bp as auth_bp
    from provider_portal.classes.views import bp as classes_bp
    from provider_portal.consent.views import bp as consent_bp
    from provider_portal.contracts.views import bp as contracts_bp
    from provider_portal.dashboard.views import bp as dashboard_bp
    from provider_portal.exam_path.views import bp as exam_path_bp
    from provider_portal.exams.views import bp as exams_bp
    from provider_portal.invoicing.caps import bp as invoice_caps_bp
    from provider_portal.invoicing.views import bp as invoicing_bp
    from provider_portal.jobs.views import bp as jobs_bp
    from provider_portal.learners.views import bp as learners_bp
    from provider_portal.planning.cohort_views import bp as cohorts_bp
    from provider_portal.planning.run_views import bp as runs_bp
    from provider_portal.planning.views import bp as planning_bp
    from provider_portal.policy_views import bp as policy_bp
    from provider_portal.providers.admin_views import bp as provider_admin_bp
    from provider_portal.providers.views import bp as providers_bp
    from provider_portal.transfer.views import bp as transfer_bp
    from provider_portal.users.account_views import bp as accounts_bp
    from provider_portal.users.views import bp as users_bp

    for blueprint in (auth_bp, dashboard_bp, providers_bp, users_bp, learners_bp, contracts_bp,
                      classes_bp, register_bp, me_bp, attendance_bp, planning_bp, cohorts_bp, runs_bp,
                      exams_bp, jobs_bp, transfer_bp, invoicing_bp, invoice_caps_bp, accounts_bp, consent_bp,
                      policy_bp, exam_path_bp, provider_admin_bp):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    """`flask --app provider_portal db upgrade | demo seed | jobs run | users create-admin`."""
    from provider_portal.commands import register

    register(app)


def _bind_tenant() -> None:
    from provider_portal.tenancy import bind_scope, scope_for

    if current_user.is_authenticated:
        session = db.get_session()
        bind_scope(session, scope_for(current_user, session))


def _template_globals() -> dict[str, Any]:
    from provider_portal.access import may_change, may_open, may_see
    from provider_portal.reference import municipalities

    return {"current_lang": select_locale(), "here": _here, "may_see": may_see, "may_change": may_change,
            "may_open": may_open, "municipality_choices": municipalities.choices}


def _here() -> str:
    """The current URL for links back to it (language switch), with no BSN in it."""
    return privacy.current_path(request.path, request.args.items(multi=True)) if has_request_context() else ""
