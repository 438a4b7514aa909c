"""The solvers' reasons for unplaced learners and unbooked exams, in the reader's language.

The cores word their reasons in English (`reasons`) and also give them as codes with parameters
(`reason_codes`, see docs/sessions.md and docs/exams.md). Here every code has a translatable
template; parameters are formatted for the reader's locale (language names, dates, kilometres,
lists). Solutions stored before codes existed, and codes this portal does not know, show the
core's English text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_decimal
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from provider_portal.i18n import babel_locale, day
from provider_portal.labels import DAY_PART
from provider_portal.reference.places import LANGUAGES
from scheduler.common.reasons import Reason

# Templates per code. Codes with an optional `deadline` have a second template for "no deadline".
TEMPLATES: dict[str, LazyString] = {
    "sessions.no_cohort_for_module": _l("%(module)s: there is no %(module)s cohort in this run"),
    "sessions.no_cohort_in_language": _l("%(module)s: no cohort in %(languages)s"),
    "sessions.no_cohort_within_reach": _l("%(module)s: no cohort in %(languages)s within %(km)s km"),
    "sessions.no_cohort_within_dates": _l(
        "%(module)s: no cohort in %(languages)s within %(km)s km starting on or after %(start)s "
        "and ending by %(deadline)s"
    ),
    "sessions.outside_availability": _l(
        "%(module)s: %(cohorts)s cohort(s) in %(languages)s within %(km)s km starting on or after "
        "%(start)s and ending by %(deadline)s, but none inside the learner's availability "
        "(they meet on %(slots)s)"
    ),
    "sessions.busy_times": _l(
        "%(module)s: %(cohorts)s cohort(s) in %(languages)s within %(km)s km starting on or after "
        "%(start)s and ending by %(deadline)s fit the availability, but all clash with the learner's "
        "busy times"
    ),
    "sessions.public_holiday": _l(
        "%(module)s: %(cohorts)s cohort(s) in %(languages)s within %(km)s km starting on or after "
        "%(start)s and ending by %(deadline)s, but all meet on a public holiday (%(dates)s)"
    ),
    "sessions.all_full": _l("%(module)s: all %(cohorts)s reachable cohorts are full"),
    "sessions.reachable_cohorts": _l("%(module)s: %(cohorts)s reachable cohort(s): %(outcomes)s"),
    "exams.too_far": _l("%(component)s: %(sessions)s session(s): %(location)s is beyond %(km)s km"),
    "exams.missing_facilities": _l("%(component)s: %(sessions)s session(s): %(location)s lacks %(missing)s"),
    "exams.outside_window": _l(
        "%(component)s: %(sessions)s session(s): outside the period from %(ready)s to %(deadline)s"
    ),
    "exams.closed": _l("%(component)s: %(sessions)s session(s): closed (public holiday or closed date)"),
    "exams.learner_unavailable": _l(
        "%(component)s: %(sessions)s session(s): the learner cannot come that day"
    ),
    "exams.seats_taken": _l("%(component)s: %(sessions)s session(s): all seats taken"),
    "exams.other_trip": _l("%(component)s: %(sessions)s session(s): the learner has another exam that day"),
    "exams.no_fit": _l(
        "%(component)s: %(sessions)s session(s): would not fit this learner's exam days or travel trade-off"
    ),
    "exams.no_session": _l("%(component)s: no session offered at all"),
}
WITHOUT_DEADLINE: dict[str, LazyString] = {
    "sessions.no_cohort_within_dates": _l(
        "%(module)s: no cohort in %(languages)s within %(km)s km starting on or after %(start)s"
    ),
    "sessions.outside_availability": _l(
        "%(module)s: %(cohorts)s cohort(s) in %(languages)s within %(km)s km starting on or after "
        "%(start)s, but none inside the learner's availability (they meet on %(slots)s)"
    ),
    "sessions.busy_times": _l(
        "%(module)s: %(cohorts)s cohort(s) in %(languages)s within %(km)s km starting on or after "
        "%(start)s fit the availability, but all clash with the learner's busy times"
    ),
    "sessions.public_holiday": _l(
        "%(module)s: %(cohorts)s cohort(s) in %(languages)s within %(km)s km starting on or after "
        "%(start)s, but all meet on a public holiday (%(dates)s)"
    ),
}
# What became of reachable cohorts (`outcomes` of sessions.reachable_cohorts).
OUTCOMES: dict[str, LazyString] = {
    "full": _l("%(count)s full"),
    "below_minimum": _l("%(count)s not running (too few learners for its minimum)"),
    "not_opened": _l("%(count)s not running, although enough unplaced learners fit it to reach its minimum"),
    "trainer_busy": _l("%(count)s not running (its trainer teaches another cohort then)"),
    "clash": _l("%(count)s at the same time as the learner's other cohorts"),
    "room": _l("%(count)s running with room (the solver stopped before placing the learner here)"),
    "room_costly": _l(
        "%(count)s running with room, but placing the learner there would lower the objective"
    ),
}


def language_name(code: str) -> str:
    """A language code as the reader names it: the portal's own (Dutch) names in Dutch, else CLDR's."""
    locale = babel_locale()
    if locale.startswith("nl") and code in LANGUAGES:
        return LANGUAGES[code]
    return Locale.parse(locale).languages.get(code) or LANGUAGES.get(code, code)


def _either(names: Sequence[str]) -> str:
    return format_list(list(names), style="or", locale=babel_locale()) if names else ""


def _all(names: Sequence[str]) -> str:
    return format_list(list(names), locale=babel_locale()) if names else ""


def _km(value: float) -> str:
    return format_decimal(value, format="#,##0.#", locale=babel_locale())


def _day(value: str | None) -> str:
    return day(date.fromisoformat(value)) if value else ""


def _slots(pairs: Sequence[Sequence[str]]) -> str:
    seen = dict.fromkeys((d, p) for d, p in pairs)  # the core lists a slot once per cohort
    return _all([str(DAY_PART.get(f"{d}:{p}", f"{d} {p}")) for d, p in seen])


def _outcomes(pairs: Sequence[Sequence[Any]]) -> str:
    return "; ".join(str(OUTCOMES[kind] % {"count": count}) for count, kind in pairs)


FORMATS: dict[str, Callable[[Any], str]] = {
    "languages": lambda v: _either([language_name(c) for c in v]),
    "km": _km,
    "start": _day,
    "deadline": _day,
    "ready": _day,
    "slots": _slots,
    "dates": lambda v: _all([_day(d) for d in v]),
    "missing": _all,
    "outcomes": _outcomes,
}


def reason_text(reason: Reason) -> str | None:
    """The reason in the reader's language; None for a code (or a kind of outcome) it does not know."""
    params = reason.params
    template = TEMPLATES.get(reason.code)
    if "deadline" in params and params["deadline"] is None:
        template = WITHOUT_DEADLINE.get(reason.code, template)
    if template is None:
        return None
    try:
        values = {k: FORMATS[k](v) if k in FORMATS else v for k, v in params.items()}
        return str(template % values)
    except (KeyError, TypeError, ValueError):  # parameters this portal does not understand
        return None


def reason_texts(
    english: Sequence[str], codes: Sequence[Reason], fallback: Callable[[str], str] = str
) -> tuple[str, ...]:
    """Each reason in the reader's language; `fallback(English)` where there is no (known) code."""
    if len(codes) != len(english):
        return tuple(map(fallback, english))
    return tuple(reason_text(code) or fallback(text) for text, code in zip(english, codes, strict=True))


LANGUAGE_CODE = re.compile(r"\b(in|or) ([a-z]{2,3})\b")


def spelled_out(english: str) -> str:
    """A sessions reason stored without codes, its language codes named ("no cohort in ti" -> "Tigrinya")."""
    return LANGUAGE_CODE.sub(
        lambda m: f"{m.group(1)} {language_name(m.group(2)) if m.group(2) in LANGUAGES else m.group(2)}",
        english,
    )
