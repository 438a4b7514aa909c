"""Typed field access on parsed JSON that names the JSON path of whatever is wrong."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from scheduler.common.errors import ProblemInputError

T = TypeVar("T")


def field(obj: Any, key: str, where: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
    """obj[key] checked against `kind`; missing without a default, or of the wrong type, raises."""
    if not isinstance(obj, dict):
        raise ProblemInputError(where, "expected an object")
    if key not in obj:
        if default is ...:
            raise ProblemInputError(f"{where}.{key}" if where else key, "missing")
        return default
    value = obj[key]
    ok = isinstance(value, kind) and not (isinstance(value, bool) and bool not in _kinds(kind))
    if not ok:
        raise ProblemInputError(f"{where}.{key}" if where else key,
                                f"expected {_kind_name(kind)}, got {type(value).__name__}")
    return value


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", list: "a list",
             dict: "an object", bool: "true or false"}
    return " or ".join(names.get(k, k.__name__) for k in _kinds(kind))


def parse(where: str, text: str, parser: Callable[[str], T], what: str) -> T:
    """parser(text), turning its ValueError into an error naming `where` and what was expected."""
    try:
        return parser(text)
    except ValueError as exc:
        raise ProblemInputError(where, f"{what} expected, got {text!r}") from exc


def date_field(obj: Any, key: str, where: str) -> date:
    """An ISO date field."""
    path = f"{where}.{key}" if where else key
    return parse(path, field(obj, key, where, str), date.fromisoformat, "a date YYYY-MM-DD")


def list_field(obj: Any, key: str, where: str, default: Any = ...) -> list[Any]:
    """A list field."""
    return field(obj, key, where, list, default)


def reject_non_finite(data: Any, where: str = "") -> None:
    """Raise naming the first NaN or Infinity anywhere in parsed JSON (Python's json reads them).

    A NaN compares false with everything, so a NaN travel limit or weight would silently change
    what the rules mean; no field of a problem or solution file may hold one.
    """
    if isinstance(data, float) and not math.isfinite(data):
        raise ProblemInputError(where, f"must be a finite number, got {data!r}")
    if isinstance(data, dict):
        for key, value in data.items():
            reject_non_finite(value, f"{where}.{key}" if where else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            reject_non_finite(value, f"{where}[{i}]")
