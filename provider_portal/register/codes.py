"""Rotating presence codes: the teacher shows a 6-digit code (and its QR); learners type or scan it.

A code is an HMAC of the lesson and a 60-second window under the app's secret, so it cannot be
guessed ahead of time or reused for another lesson; the current and the previous window are
accepted, so a learner typing across a boundary is not refused.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import segno

WINDOW_SECONDS = 60


def _window(at: datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def presence_code(secret: str, lesson_id: int, at: datetime) -> str:
    """The code valid for `lesson_id` during the window containing `at`."""
    digest = hmac.new(secret.encode(), f"{lesson_id}:{_window(at)}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def code_is_valid(secret: str, lesson_id: int, code: str, at: datetime) -> bool:
    """True for the current or the previous window's code (compared in constant time).

    Only ASCII digits can match: compare_digest refuses (TypeError) any other character in a str.
    """
    code = code.strip()
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
