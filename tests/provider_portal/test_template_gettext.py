"""The template's gettext bound once per render (`i18n.template_gettext`) writes what Flask-Babel's
own template callables write, in both languages, escaped or not."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string, session
from flask_babel import force_locale

from provider_portal.i18n import template_gettext

TEMPLATE = (
    "{{ _('Minutes') }}|{{ gettext('of %(n)s minutes', n=45) }}|{{ _('Row %(n)s', n='<b>') }}|"
    "{{ ngettext('%(num)s result', '%(num)s results', 1) }}|"
    "{{ ngettext('%(num)s result', '%(num)s results', 3) }}|"
    "{{ _('not a message of the catalogue <i>') }}|"
    "{% autoescape false %}{{ _('Row %(n)s', n='<b>') }}{% endautoescape %}"
)


def _both(app: Flask, lang: str) -> tuple[str, str]:
    """(the page with the bound callables, the page with Flask-Babel's globals alone)."""
    with app.test_request_context("/"):
        session["lang"] = lang
        bound = render_template_string(TEMPLATE)
        plain = app.jinja_env.from_string(TEMPLATE).render()  # no context processors: the globals
    return bound, plain


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_bound_gettext_writes_what_flask_babel_writes(app: Flask, lang: str) -> None:
    bound, plain = _both(app, lang)
    assert bound == plain
    if lang == "nl":
        assert bound.startswith("Minuten|van 45 minuten|Rij &lt;b&gt;|1 resultaat|3 resultaten|")
        # the message's own text is trusted (Jinja's newstyle gettext); its variables are escaped
        assert bound.endswith("|not a message of the catalogue <i>|Rij <b>")
    else:
        assert bound.startswith("Minutes|of 45 minutes|Row &lt;b&gt;|1 result|3 results|")


def test_a_forced_locale_reaches_the_bound_gettext(app: Flask) -> None:
    """Letters and e-mails render inside `force_locale`: the render's translations are the forced ones."""
    with app.test_request_context("/"):
        session["lang"] = "en"
        with force_locale("nl"):
            assert render_template_string("{{ _('Minutes') }}") == "Minuten"
        assert render_template_string("{{ _('Minutes') }}") == "Minutes"


def test_the_callables_are_made_once_per_language(app: Flask) -> None:
    with app.test_request_context("/"):
        session["lang"] = "nl"
        first, again = template_gettext(), template_gettext()
        session["lang"] = "en"
        with force_locale("en"):
            english = template_gettext()
    assert first["gettext"] is again["gettext"]
    assert english["gettext"] is not first["gettext"]
