"""Declarative readers for JSON input files: pydantic models, errors as ProblemInputError paths.

Each file format is one model (strict: no silent coercion of "3" into 3); `validate` turns the
first validation error into a ProblemInputError naming its JSON path (`learners[3].availability[0]`)
in the words the hand-written readers used, and `schema` gives the JSON Schema committed in
docs/schemas/. Validators that know a more precise place raise `FieldError(subpath, message)`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError, WithJsonSchema

from scheduler.common.errors import ProblemInputError

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

STRICT = ConfigDict(strict=True, extra="ignore", frozen=True)

KINDS = {"string_type": "a string", "int_type": "an integer", "list_type": "a list",
         "dict_type": "an object", "model_type": "an object", "model_attributes_type": "an object",
         "bool_type": "true or false", "float_type": "an integer or a number",
         "tuple_type": "a list"}


class FieldError(ValueError):
    """Raised by a validator: `subpath` (".key" or "[i]") refines where the error is reported."""

    def __init__(self, subpath: str, message: str) -> None:
        super().__init__(message)
        self.subpath = subpath
        self.message = message


def path(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a JSON path: ("learners", 3, "lat") -> "learners[3].lat"."""
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _error(err: Any, wording: Wording | None) -> ProblemInputError:
    where, kind = path(err["loc"]), err["type"]
    own = wording(err) if wording is not None else None
    if own is not None:
        return ProblemInputError(where, own)
    if kind == "missing":
        return ProblemInputError(where, "missing")
    if kind in KINDS:
        return ProblemInputError(where, f"expected {KINDS[kind]}, got {type(err['input']).__name__}")
    exc = (err.get("ctx") or {}).get("error")
    if isinstance(exc, FieldError):
        return ProblemInputError(where + exc.subpath, exc.message)
    if isinstance(exc, ValueError):
        return ProblemInputError(where, str(exc))
    return ProblemInputError(where, err["msg"])


Wording = Callable[[Any], "str | None"]  # a format's own message for a pydantic error, or None


def validate(model: type[M], data: Any, what: str, wording: Wording | None = None) -> M:
    """`data` as `model`, or ProblemInputError naming the first bad field (`what`: "a problem file").

    `wording` lets a format keep the messages its hand-written reader gave (types, missing keys).
    """
    if not isinstance(data, dict):
        raise ProblemInputError("", f"{what} must hold a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _error(exc.errors(include_url=False)[0], wording) from None


def schema(model: type[BaseModel], ident: str, title: str, description: str = "") -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `model`, with its $id, title and description."""
    body = _inline(model.model_json_schema())
    head: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                            "$id": f"https://inburgering-planner.example/schemas/{ident}.schema.json",
                            "title": title}
    if description:
        head["description"] = description
    body.pop("title", None)
    body.pop("description", None)
    return {**head, **body}


def _inline(root: dict[str, Any]) -> dict[str, Any]:
    """The schema with every $ref replaced by its definition and pydantic's generated titles dropped."""
    defs = root.pop("$defs", {})

    def walk(node: Any, parent: str = "") -> Any:
        if isinstance(node, list):
            return [walk(x) for x in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target = walk(defs[node["$ref"].rsplit("/", 1)[1]])
            return {**target, **{k: walk(v) for k, v in node.items() if k != "$ref"}}
        return {k: walk(v, k) for k, v in node.items()
                if not (k == "title" and parent != "properties" and isinstance(v, str))}

    return walk(root)


# -- scalar types shared by the formats ----------------------------------------------------------


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"expected an integer or a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {value!r}")
    return float(value)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected {what}, got {type(value).__name__}")
    return value


def iso_reader(parse: Callable[[str], T], message: str, *, strings_only: bool = True) -> Callable[[Any], T]:
    """A validator reading an ISO 8601 string with `parse` (`date.fromisoformat`, ...); what does not
    parse fails with `message`, whose `{value!r}` names the value given. With `strings_only`, a value
    that is no string first fails with "expected a string, got <type>"."""

    def read(value: Any) -> T:
        if strings_only:
            value = _text(value, "a string")
        try:
            return parse(value)
        except (TypeError, ValueError):
            raise ValueError(message.format(value=value)) from None

    return read


DATE_SCHEMA = WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"})
CLOCK_SCHEMA = WithJsonSchema({"type": "string", "pattern": r"^\d{2}:\d{2}$"})

_iso_date = iso_reader(date.fromisoformat, "a date YYYY-MM-DD expected, got {value!r}")
_clock = iso_reader(time.fromisoformat, "HH:MM expected, got {value!r}")
_date_time = iso_reader(datetime.fromisoformat, "a date-time expected, got {value!r}")

Number = Annotated[float, PlainValidator(_number), WithJsonSchema({"type": "number"})]
IsoDate = Annotated[date, PlainValidator(_iso_date), DATE_SCHEMA]
Clock = Annotated[time, PlainValidator(_clock), CLOCK_SCHEMA]
DateTime = Annotated[datetime, PlainValidator(_date_time),
                     WithJsonSchema({"type": "string", "description": "local time, e.g. 2027-01-11T09:00"})]
