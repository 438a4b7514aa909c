"""Input that the database cannot hold is refused at the door, the same way on every page.

- every `<int:...>` in a URL stops at the largest PostgreSQL integer (2^31 - 1): a larger id is a
  404, not an "integer out of range" 500 (the converter replaces Werkzeug's `int` for all routes);
- a NUL byte in any query or form value is a 400 naming the field: PostgreSQL refuses to store it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

MAX_DB_INT = 2**31 - 1  # PostgreSQL `integer`, the type of every id and counter column
# The longest period anything is generated or exported for (a class, a closure, an exam calendar,
# an export): two years. A class from year 1 to 9999 grew a worker to 1.15 GB making its lessons.
MAX_SPAN_DAYS = 731


class DbIntConverter(IntegerConverter):
    """Werkzeug's `int` converter bounded to the database's integer range."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = MAX_DB_INT, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def db_int(text: str) -> int:
    """An ASCII whole number from 0 to MAX_DB_INT (for `request.args.get(..., type=db_int)`)."""
    value = int(text) if text.isascii() and text.isdigit() else -1
    if not 0 <= value <= MAX_DB_INT:
        raise ValueError(f"not a whole number from 0 to {MAX_DB_INT}")
    return value


def span_too_long(first: date, last: date) -> bool:
    """Whether the period from `first` to `last` (inclusive) is longer than MAX_SPAN_DAYS allows."""
    return (last - first).days > MAX_SPAN_DAYS


def _refuse_nul_bytes() -> tuple[str, int] | None:
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                shown = name.replace("\x00", "")
                message = _("The field %(field)s contains a character that is not allowed (NUL). "
                            "Remove it and try again.", field=shown)
                return render_template("errors/error.html", code=400, message=message), 400
    return None


def register_input_guards(app: Flask) -> None:
    """Install the bounded `int` converter (before any route is added) and the NUL-byte check."""
    app.url_map.converters["int"] = DbIntConverter
    app.before_request(_refuse_nul_bytes)
