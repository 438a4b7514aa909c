"""Rotating presence codes: the teacher shows an 8-digit code (and its QR); learners type or scan it.

A code is an HMAC of the lesson and a 60-second window under the app's secret, so it cannot be
guessed ahead of time or reused for another lesson; the current and the previous window are
accepted, so a learner typing across a boundary is not refused.

Guessing (docs/security.md): a learner gets at most MAX_FAILURES wrong codes per lesson (stored in
`presence_failure`, so the limit holds across web workers), and each guess hits one of VALID_CODES
codes out of 10**CODE_DIGITS. The chance that a learner who is not in the room confirms a lesson is
at most MAX_FAILURES x VALID_CODES / 10**CODE_DIGITS = 5 x 2 / 10^8 = 1 in 10 million per lesson
(`GUESS_CHANCE`); over a year of 200 lessons it stays below 1 in 40,000. With the former 6 digits
and no limit, 300 guesses in a few seconds had a 1 in 1,700 chance, an hour of guessing about even odds.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import segno

WINDOW_SECONDS = 60
CODE_DIGITS = 8
VALID_CODES = 2  # the current window's code and the previous one's
MAX_FAILURES = 5  # wrong codes per learner and lesson; then the teacher registers the learner
GUESS_CHANCE = MAX_FAILURES * VALID_CODES / 10**CODE_DIGITS  # the most a guesser wins, per lesson


def _window(at: datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def presence_code(secret: str, lesson_id: int, at: datetime) -> str:
    """The code valid for `lesson_id` during the window containing `at`."""
    digest = hmac.new(secret.encode(), f"{lesson_id}:{_window(at)}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def grouped(code: str) -> str:
    """The code as shown: `1234 5678`, easier to read aloud and type (spaces are ignored on input)."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


def code_is_valid(secret: str, lesson_id: int, code: str, at: datetime) -> bool:
    """True for the current or the previous window's code (compared in constant time).

    Spaces are ignored (the code is shown as `1234 5678`). Only ASCII digits can match:
    compare_digest refuses (TypeError) any other character in a str.
    """
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit()):
        return False
    candidates = (
        presence_code(secret, lesson_id, at),
        presence_code(
            secret, lesson_id, datetime.fromtimestamp(at.timestamp() - WINDOW_SECONDS, tz=at.tzinfo)
        ),
    )
    return any(hmac.compare_digest(code, c) for c in candidates)


def seconds_left(at: datetime) -> int:
    """Seconds until the code changes (the teacher's page refreshes then)."""
    return WINDOW_SECONDS - int(at.timestamp()) % WINDOW_SECONDS


def qr_svg(url: str) -> str:
    """An inline SVG QR code of `url` (segno: pure Python, no image libraries)."""
    return segno.make(url, error="m").svg_inline(scale=6, dark="#1d2733")
