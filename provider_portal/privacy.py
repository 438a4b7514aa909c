"""No BSN in a URL or a log line.

Searches take at most the last 4 digits of a BSN (`too_many_digits`), links that repeat the current URL
drop anything longer (`current_path`), and every log record's text is scrubbed of BSNs before a handler
sees it (`install`).

The portal keeps BSNs out of URLs (the learner search refuses them in GET requests, a POST form looks
one up), but a hand-typed URL still reaches the access log, and a database error or a failed import
can carry one in its message. A record factory sees every record of every logger (werkzeug's and
gunicorn's access lines included), so this is the one place that guarantees it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from stdnum.nl import bsn as stdnum_bsn

# 9 digits, maybe written 111 222 333 (or URL-encoded: 111+222+333, 111%20222%20333)
NINE_DIGITS = re.compile(r"(?<!\d)\d{3}(?:%20|[ .+\-])?\d{3}(?:%20|[ .+\-])?\d{3}(?!\d)")
MASK = "*********"
BSN_SUFFIX_DIGITS = 4  # the most of a BSN a search in a URL may hold


def too_many_digits(text: str) -> bool:
    """More than the last 4 digits of a BSN (spaces, dots and dashes ignored): kept out of URLs, since a
    GET request lands in browser history and access logs (a full BSN is looked up with a POST form)."""
    return re.search(rf"\d{{{BSN_SUFFIX_DIGITS + 1}}}", re.sub(r"[\s.\-]", "", text)) is not None


def current_path(path: str, args: Iterable[tuple[str, str]]) -> str:
    """The current page's path and query for a link back to it, without any argument holding a BSN."""
    kept = [(k, v) for k, v in args if not too_many_digits(v)]
    return path + ("?" + urlencode(kept) if kept else "")


def redact(text: str) -> str:
    """Replace every stand-alone 9-digit number that passes the elfproef (a BSN) by asterisks."""
    def mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group().replace("%20", ""))
        return MASK if stdnum_bsn.is_valid(digits) else match.group()

    return NINE_DIGITS.sub(mask, text)


def _scrub(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed record is left for logging's own error path
        return record
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    return record


def install() -> None:
    """Wrap the process's log record factory once (idempotent: app factories run many times in tests)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "scrubs_bsn", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _scrub(current(*args, **kwargs))

    factory.scrubs_bsn = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
