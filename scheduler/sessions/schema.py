"""The sessions problem and solution files as declarative models (one per format).

Structure, types and single-field rules live here; the JSON Schemas in docs/schemas/ are generated
from these models (`python -m scheduler.schemas`). Rules across fields and records (sizes, ids,
references, routes) are checked by io.py and validate.py while building the domain objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    model_validator,
)

from scheduler.common.calendar import DayPart
from scheduler.common.jsonmodel import STRICT, Clock, DateTime, FieldError, IsoDate, Number
from scheduler.sessions.domain import MAX_WEIGHT, MODULES, Slot, Status

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


SLOTS: dict[str, Slot] = {f"{d}:{p.value}": (d, p) for d in DAYS for p in DayPart}
STATUSES: dict[str, Status] = {s.value: s for s in Status}


def _slot(text: Any) -> Slot:
    found = SLOTS.get(text) if isinstance(text, str) else None
    if found is not None:
        return found
    if not isinstance(text, str):
        raise ValueError(f"expected a string, got {type(text).__name__}")
    if ":" not in text:
        raise ValueError(f"expected 'day:part' such as 'mon:morning', got {text!r}")
    day, part = text.split(":", 1)
    if day not in DAYS:
        raise ValueError(f"unknown weekday {day!r}")
    raise ValueError(f"unknown day part {part!r}")


def _module(code: str) -> str:
    if code not in MODULES:
        raise ValueError(f"unknown module {code!r} (expected one of {', '.join(MODULES)})")
    return code


def _statuses(raw: Any) -> dict[str, Status]:
    if not isinstance(raw, dict):
        raise ValueError(f"expected an object, got {type(raw).__name__}")
    out = {}
    for code, value in raw.items():
        if code not in MODULES:
            raise ValueError(f"unknown module {code!r} (expected one of {', '.join(MODULES)})")
        if value not in STATUSES:
            raise FieldError(f".{code}", f"unknown status {value!r}")
        out[code] = STATUSES[value]
    return out


def _deadlines(raw: dict[str, Any]) -> dict[str, Any]:
    for code in raw:
        if code not in MODULES:
            _module(code)
    return raw


def _non_negative(value: float) -> float:
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _latitude(value: float) -> float:
    if not -90 <= value <= 90:
        raise ValueError(f"latitude {value} out of range")
    return value


def _longitude(value: float) -> float:
    if not -180 <= value <= 180:
        raise ValueError(f"longitude {value} out of range")
    return value


def _languages(values: list[str]) -> list[str]:
    if not values:
        raise ValueError("expected a non-empty list of language names")
    return values


def _routes(values: list[str]) -> list[str]:
    for i, route in enumerate(values):
        if not route:
            raise FieldError(f"[{i}]", "expected a route name")
    return values


SLOT_TEXT = "weekday and day part: morning 08-12, afternoon 12-17, evening 17-22"
SlotText = Annotated[Slot, PlainValidator(_slot), WithJsonSchema(
    {"type": "string", "pattern": "^(mon|tue|wed|thu|fri|sat|sun):(morning|afternoon|evening)$",
     "description": SLOT_TEXT})]
ModuleCode = Annotated[StrictStr, AfterValidator(_module), WithJsonSchema({"enum": list(MODULES)})]
NonNegative = Annotated[Number, AfterValidator(_non_negative),
                        WithJsonSchema({"type": "number", "minimum": 0})]
Latitude = Annotated[Number, AfterValidator(_latitude),
                     WithJsonSchema({"type": "number", "minimum": -90, "maximum": 90})]
Longitude = Annotated[Number, AfterValidator(_longitude),
                      WithJsonSchema({"type": "number", "minimum": -180, "maximum": 180})]


def _in_weight_range(low: int) -> Callable[[float], float]:
    """A check that a weight lies between `low` and MAX_WEIGHT."""
    def check(value: float) -> float:
        if not low <= value <= MAX_WEIGHT:
            raise ValueError(f"must lie between {low} and {MAX_WEIGHT:,}, got {value!r}")
        return value
    return check


Weight = Annotated[Number, AfterValidator(_in_weight_range(0)),
                   WithJsonSchema({"type": "number", "minimum": 0, "maximum": MAX_WEIGHT})]
PositiveWeight = Annotated[Number, AfterValidator(_in_weight_range(1)),
                           WithJsonSchema({"type": "number", "minimum": 1, "maximum": MAX_WEIGHT})]


class ModuleIn(BaseModel):
    """A group module and the routes that require it."""

    model_config = STRICT
    code: ModuleCode
    routes: Annotated[list[StrictStr], AfterValidator(_routes)] = Field(
        description="routes that require the module, e.g. b1, entree, onderwijs, z")


class TrainerIn(BaseModel):
    """A trainer (teaches one meeting at a time)."""

    model_config = STRICT
    id: StrictStr
    name: StrictStr = ""


class MeetingIn(BaseModel):
    """One meeting of a cohort: a date and a clock-time span within one day part."""

    model_config = STRICT
    date: IsoDate
    start: Clock
    end: Clock


class CohortIn(BaseModel):
    """One run of a module: place, language, trainer, meetings, group size and cost."""

    model_config = STRICT
    id: StrictStr
    module: ModuleCode
    location: StrictStr = ""
    lat: Latitude
    lon: Longitude
    language: StrictStr = Field(description="language of instruction")
    trainer: StrictStr = Field(description="a trainers[].id")
    meetings: list[MeetingIn]
    min_size: StrictInt
    max_size: StrictInt
    cost: NonNegative = Field(0.0, description="euros to run the cohort")
    allowed_holidays: list[IsoDate] = Field(
        [], description="Dutch public holidays on which this cohort may meet anyway (the planner's "
                        "override); without it a cohort meeting on a public holiday does not run")


class BusyIn(BaseModel):
    """A time the learner cannot come (their own classes, work)."""

    model_config = STRICT
    start: DateTime
    end: DateTime


class LearnerIn(BaseModel):
    """A learner: what they still need, where they live, when they can come."""

    model_config = STRICT
    id: StrictStr
    route: StrictStr = Field(description="one of the routes the modules name (modules[].routes); "
                                         "any other is refused")
    modules: Annotated[dict[str, Status], PlainValidator(_statuses), WithJsonSchema(
        {"type": "object", "propertyNames": {"enum": list(MODULES)},
         "additionalProperties": {"enum": [s.value for s in Status]}})] = Field(
        {}, description="status per module; a module the route requires defaults to required")
    languages: Annotated[list[StrictStr], AfterValidator(_languages)] = Field(
        description="languages the learner follows, preferred first", json_schema_extra={"minItems": 1})
    lat: Latitude
    lon: Longitude
    max_travel_km: NonNegative
    availability: list[SlotText]
    preferred: list[SlotText] = Field([], description="preferred day parts (optional)")
    busy: list[BusyIn] = []
    earliest_start: IsoDate
    deadlines: Annotated[dict[StrictStr, IsoDate], AfterValidator(_deadlines)] = Field(
        {}, description="deadline per module (the cohort must end by it)")


class AssignmentIn(BaseModel):
    """A learner placed in a cohort for one module; pinned ones the solver must keep."""

    model_config = STRICT
    learner: StrictStr
    module: ModuleCode
    cohort: StrictStr
    pinned: StrictBool = False


class WeightsIn(BaseModel):
    """Objective weights in points; see docs/sessions.md."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_names(cls, data: Any) -> Any:
        """Name an unknown weight and the known ones (a typo would else silently use the default)."""
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(cls.model_fields))
            if unknown:
                raise FieldError(f".{unknown[0]}", f"unknown weight (known: {', '.join(cls.model_fields)})")
        return data

    place: Weight = 1000
    urgency: Weight = 200
    urgency_horizon_days: PositiveWeight = 365
    travel_per_km: Weight = 2.0
    cohort_cost_per_euro: Weight = 0.1
    missed_preference: Weight = 50
    change: Weight = 300


class ProblemFile(BaseModel):
    """Input of `python -m scheduler sessions solve`. See docs/sessions.md. Numbers must be finite
    (NaN and Infinity are refused)."""

    model_config = STRICT
    plan_date: IsoDate = Field(description="the day the plan is made; urgency counts from here")
    modules: list[ModuleIn]
    trainers: list[TrainerIn]
    cohorts: list[CohortIn]
    learners: list[LearnerIn]
    existing: list[AssignmentIn] = Field(
        [], description="the published plan; pinned assignments must be kept")
    weights: WeightsIn | None = None


class UnplacedIn(BaseModel):
    """A learner-module left without a cohort, with the reasons in English (and as codes)."""

    model_config = STRICT
    learner: StrictStr
    module: StrictStr
    reasons: list[StrictStr] = []
    reason_codes: Any = Field(None, json_schema_extra={
        "type": "array",
        "description": "Optional (absent in files from before codes existed): reasons[i] as a code "
                       "with named parameters, for readers that word reasons in another language. "
                       "Codes and parameters: docs/sessions.md, *Reasons for unplaced learners*.",
        "items": {"type": "object", "required": ["code", "params"],
                  "properties": {"code": {"type": "string", "pattern": r"^sessions\.[a-z_]+$"},
                                 "params": {"type": "object"}}}})


class SolutionFile(BaseModel):
    """A group-session plan (output of solve and greedy), as the portal and `check` read it back."""

    model_config = STRICT
    status: StrictStr = "feasible"
    placed: StrictInt | None = Field(None, description="learner-modules placed")
    unplaced: StrictInt | None = Field(None, description="learner-modules still needing a cohort")
    objective: Number = 0.0
    bound: Number | None = Field(None, description="proven upper bound (null for greedy)")
    gap: Number | None = Field(None, description="(bound - objective) / max(1, |bound|)")
    seconds: Number = 0.0
    method: StrictStr = ""
    assignments: list[AssignmentIn]
    unplaced_learners: list[UnplacedIn] = []
