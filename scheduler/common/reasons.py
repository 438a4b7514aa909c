"""A solver's reason as data: a code and named parameters, so any reader can word it in its own language.

Both cores explain what they could not place. Their English sentences stay the contract of the CLI
and of solution files (`reasons`); the same reasons as codes with parameters (`reason_codes`) let the
portal say them in Dutch. Parameters are plain JSON values (strings, numbers, null, lists of these),
so a reason reads back from a solution file equal to the one written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scheduler.common.errors import ProblemInputError

Params = Mapping[str, Any]
English = Callable[[Params], str]  # a code's English sentence from its parameters


def _plain(value: Any, where: str) -> Any:
    """The JSON form of a parameter value (tuples become lists); anything else is a coding error."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v, where) for v in value]
    raise TypeError(f"reason parameter {where} must be a JSON value, got {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason: `code` names the sentence (e.g. `sessions.no_cohort_in_language`), `params` fill it."""

    code: str
    params: dict[str, Any]

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", {k: _plain(v, f"{self.code}.{k}") for k, v in self.params.items()})

    def __hash__(self) -> int:  # params is a dict: hash what equal reasons surely share
        return hash((self.code, tuple(sorted(self.params))))

    def to_json(self) -> dict[str, Any]:
        """The reason as it is written into a solution file."""
        return {"code": self.code, "params": json.loads(json.dumps(self.params))}


def worded(english: Callable[[Reason], str],
           reasons: Sequence[Reason]) -> tuple[tuple[str, ...], tuple[Reason, ...]]:
    """A diagnosis's reasons as the solution file has them: the English sentences (`reasons`), and
    beside them the same reasons as codes (`reason_codes`, so `reason_codes[i]` is `reasons[i]`)."""
    return tuple(map(english, reasons)), tuple(reasons)


def explained_json(head: dict[str, Any], texts: tuple[str, ...], codes: tuple[Reason, ...]) -> dict[str, Any]:
    """`head` plus the English `reasons` and, when known, the same reasons as `reason_codes`."""
    out = {**head, "reasons": list(texts)}
    if codes:
        out["reason_codes"] = [r.to_json() for r in codes]
    return out


def reason_from_json(obj: Any, where: str) -> Reason:
    """A reason read back from a solution file; errors name the JSON path."""
    if not isinstance(obj, dict) or not isinstance(obj.get("code"), str):
        raise ProblemInputError(where, "expected an object with a string `code`")
    params = obj.get("params", {})
    if not isinstance(params, dict):
        raise ProblemInputError(f"{where}.params", "expected an object")
    try:
        return Reason(obj["code"], params)
    except TypeError as exc:
        raise ProblemInputError(f"{where}.params", str(exc)) from None


def reasons_from_json(obj: Any, texts: tuple[str, ...], where: str) -> tuple[Reason, ...]:
    """The optional `reason_codes` beside `reasons`: absent in files from before codes existed."""
    if obj is None:
        return ()
    if not isinstance(obj, list) or len(obj) != len(texts):
        raise ProblemInputError(where, f"expected a list of {len(texts)} reasons, one per entry of `reasons`")
    return tuple(reason_from_json(item, f"{where}[{i}]") for i, item in enumerate(obj))


def render(english: Mapping[str, English], reason: Reason) -> str:
    """The reason's English sentence from a core's table (KeyError for a code the core does not know)."""
    return english[reason.code](reason.params)
