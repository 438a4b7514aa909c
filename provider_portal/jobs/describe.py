"""Jobs in words: what a job is, and its error as a sentence in the reader's language.

`job.error` is stored in English (the jobs process has no reader); the messages the jobs process
itself writes are recognised here and shown translated, any other error as a sentence around the
handler's own message (without the exception's class name).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from provider_portal.jobs import isolated, queue

# The English texts the jobs process stores, with their translations (same placeholders).
_KNOWN = (
    (queue.LOST, _l("The jobs process stopped during this run; start it again.")),
    (queue.LOST_RETRIES, _l("The jobs process stopped during this job %(attempts)s times; "
                            "it is not retried again.")),
    (isolated.CPU_LIMIT, _l("The run used its whole CPU allowance of %(seconds)s seconds and was stopped.")),
    (isolated.CRASHED, _l("The run's process ended unexpectedly (exit code %(code)s).")),
)
_CLASS_PREFIX = re.compile(r"^[A-Z][A-Za-z0-9_.]*(Error|Exception|Failed|Kind)?: ")


def _pattern(text: str) -> re.Pattern[str]:
    escaped = re.escape(text)
    return re.compile("^" + re.sub(r"%\\\(([a-z_]+)\\\)s", r"(?P<\1>.+?)", escaped) + "$")


_PATTERNS = tuple((_pattern(english), translated) for english, translated in _KNOWN)


def error_sentence(error: str | None) -> str:
    """The stored error as a sentence for the reader ('' when there is none)."""
    if not error:
        return ""
    for pattern, translated in _PATTERNS:
        if match := pattern.match(error):
            return str(translated) % match.groupdict()
    detail = _CLASS_PREFIX.sub("", error, count=1)
    return _("The job stopped with an error: %(detail)s", detail=detail)
