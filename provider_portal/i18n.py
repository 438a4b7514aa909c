"""Language choice (Dutch by default, English on request) and Babel formatting for templates."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern, parse_pattern
from flask import Flask, current_app, has_request_context, session
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from billing.money import euros_to_cents, format_euro

log = logging.getLogger(__name__)
TRANSLATIONS = Path(__file__).parent / "translations"
BABEL_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def select_locale() -> str:
    """The language stored in the session, else Dutch; English outside a request (CLI, logs, jobs)."""
    if not has_request_context():
        return "en"
    lang = session.get("lang")
    return lang if isinstance(lang, str) and lang in current_app.config["LANGUAGES"] else "nl"


def babel_locale() -> str:
    """The Babel locale for the reader's language (nl -> nl_NL, en -> en_GB)."""
    return BABEL_LOCALES.get(str(get_locale() or "nl"), "nl_NL")


@cache
def _parsed(name: str) -> Locale:
    return Locale.parse(name)


def reader_locale() -> Locale:
    """`babel_locale()` as a Babel Locale, parsed once per process: given a string, every format call
    parses it again (measured: a third of a date's formatting; a learner page formats hundreds)."""
    return _parsed(babel_locale())


def money(amount: Decimal | int | None, cents: bool = False) -> str:
    """An amount in euros as the reader's locale writes it (nl_NL: € 1.250,00)."""
    if amount is None:
        return ""
    return format_euro(int(amount) if cents else euros_to_cents(Decimal(amount)), str(babel_locale()))


@lru_cache(maxsize=16)
def _number_pattern(digits: int) -> NumberPattern:
    return parse_pattern(f"#,##0.{'0' * digits}" if digits else "#,##0")


@lru_cache(maxsize=8)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def number(value: float | Decimal | int | None, digits: int = 1) -> str:
    """A number with the reader's decimal separator (nl_NL: 12,5); what `format_decimal` writes,
    with the pattern and locale parsed once (a run's review formats thousands of numbers)."""
    if value is None:
        return ""
    return _number_pattern(digits).apply(value, _locale(babel_locale()))


def day(value: date | str | None, fmt: str = "medium") -> str:
    """A date (or an ISO date string, as stored in solver results) in the reader's locale."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return _format_day(value, fmt, babel_locale())


@lru_cache(maxsize=4096)
def _format_day(value: date, fmt: str, locale: str) -> str:
    """Babel's date formatting, remembered: a run's review writes the same few dates thousands of times."""
    return format_date(value, fmt, locale=_locale(locale))


def month_name(value: str) -> str:
    """A month stored as "YYYY-MM" in the reader's words ("maart 2026")."""
    return format_date(date.fromisoformat(f"{value}-01"), "LLLL yyyy", locale=reader_locale())


def message_day(value: date) -> str:
    """A date inside a message: the reader's format in a request, ISO in logs and on the command line."""
    return day(value) if has_request_context() else value.isoformat()


def moment(value: datetime | None, fmt: str = "medium") -> str:
    """An aware datetime shown in Europe/Amsterdam, in the reader's locale."""
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return format_datetime(value.astimezone(zone), fmt, tzinfo=zone, locale=reader_locale())


class KnownTexts:
    """English texts written where there is no reader (the cores, the jobs process), each mapped to
    its gettext message, so the page shows them in the reader's words.

    An entry is a regular expression with named groups, or (`template`) an English text with
    `%(name)s` placeholders. A value is formatted by the suffix of its name: `_date` as a date,
    `_eur` as euros, `_cents` as cents; any other as written.
    """

    FORMATS: dict[str, Callable[[str], str]] = {
        "_date": lambda v: day(date.fromisoformat(v)),
        "_eur": lambda v: money(Decimal(v)),
        "_cents": lambda v: money(int(v), cents=True),
    }

    def __init__(self, entries: Iterable[tuple[str | re.Pattern[str], Any]]) -> None:
        self.entries = tuple((re.compile(pattern), message) for pattern, message in entries)

    @staticmethod
    def template(text: str) -> re.Pattern[str]:
        """The pattern of an English text whose `%(name)s` placeholders may hold anything."""
        return re.compile(re.sub(r"%\\\(([a-z_]+)\\\)s", r"(?P<\1>.+?)", re.escape(text)))

    def translate(self, text: str) -> str | None:
        """`text` in the reader's words, or None when it is not a known text."""
        for pattern, message in self.entries:
            if match := pattern.fullmatch(text):
                values = {name: self._formatted(name, value) for name, value in match.groupdict().items()}
                return str(message) % values if values else str(message)
        return None

    def _formatted(self, name: str, value: str) -> str:
        for suffix, fmt in self.FORMATS.items():
            if name.endswith(suffix):
                return fmt(value)
        return value


def compile_catalogs(root: Path = TRANSLATIONS) -> None:
    """Compile every .po into its .mo when missing or older, so no deploy step can be forgotten."""
    for po_path in root.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)
        except OSError as exc:  # read-only install: translations then come from a built wheel
            log.warning("cannot compile %s: %s", po_path, exc)


def template_gettext() -> dict[str, Any]:
    """A context processor: the template's `_`, `gettext` and `ngettext` bound to the translations of
    this render, looked up once.

    Flask-Babel installs callables that look the translations up again for every `_()` (three
    look-ups of its request context through Flask's `g` each time); the register grid calls `_()`
    about 200 times, and those look-ups were a third of its template's CPU (bench/web/cpu.py
    --profile "register page"). Jinja's `_` resolves `gettext` from the render's context first, so
    these win over the globals; they follow Jinja's "newstyle" rules exactly (autoescape, then `%`
    with the keyword arguments, `num` set by ngettext). A template rendered without a context
    processor (an imported macro file) still gets Flask-Babel's globals, with the same result.
    """
    return _bound_gettext(get_translations())


@lru_cache(maxsize=8)
def _bound_gettext(translations: Any) -> dict[str, Any]:
    """The callables for one translations object (Flask-Babel keeps one per locale per process)."""
    lookup, plural = translations.ugettext, translations.ungettext

    @pass_context
    def gettext(context: Context, string: str, /, **variables: Any) -> str:
        text = lookup(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_context
    def ngettext(context: Context, singular: str, plural_form: str, num: int, /, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = plural(singular, plural_form, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"gettext": gettext, "ngettext": ngettext}


def translated(mapping: Any) -> list[tuple[Any, str]]:
    """A mapping's items with lazily translated values turned into text once (`statuses|translated`):
    a lazy string translates itself again every time it is printed, as often as a grid prints it."""
    return [(key, str(value)) for key, value in mapping.items()]


def register_i18n(app: Flask) -> None:
    """Filters for templates, and the template's gettext bound once per render."""
    compile_catalogs()
    app.jinja_env.filters.update(money=money, day=day, moment=moment, number=number,
                               month_name=month_name, translated=translated)
    app.context_processor(template_gettext)
