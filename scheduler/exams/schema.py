"""The exams problem file as one declarative model; docs/schemas/exams-problem.schema.json comes from it.

Structure, types and single-field rules live here; io.py builds the domain objects and
validate.py checks what spans records (ids, references, overlaps).
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    JsonValue,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)

from scheduler.common.jsonmodel import CLOCK_SCHEMA, DATE_SCHEMA, STRICT, Number, iso_reader
from scheduler.exams.domain import Settings, Weights

_W, _S = Weights(), Settings()  # the defaults

WRONG_TYPE = {"string_type", "int_type", "list_type", "dict_type", "model_type", "bool_type",
              "float_type", "model_attributes_type"}


def wording(err: Any) -> str | None:
    """The exams reader's own messages for missing keys and wrong types."""
    if err["type"] == "missing":
        return "is required"
    if err["type"] in WRONG_TYPE:
        value = err["input"]
        if isinstance(value, bool) and err["type"] != "bool_type":
            return "must not be a boolean"
        return "must be an object" if err["type"] in {"dict_type", "model_type"} and not err["loc"] \
            else f"has the wrong type ({value!r})"
    return None


def _positive(value: int) -> int:
    if value <= 0:
        raise ValueError("must be positive")
    return value


def _at_least_one(value: int) -> int:
    if value < 1:
        raise ValueError("must be at least 1")
    return value


def _attempts(value: Any) -> dict[str, int]:
    if not isinstance(value, dict):
        raise ValueError(f"has the wrong type ({value!r})")
    if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in value.values()):
        raise ValueError("values must be integers >= 0")
    return value


# the exams reader's own wording (its contract, docs/exams.md); any value that does not parse, string or not
_date = iso_reader(date.fromisoformat, "must be a date YYYY-MM-DD, got {value!r}", strings_only=False)
_time = iso_reader(time.fromisoformat, "must be a time HH:MM, got {value!r}", strings_only=False)
IsoDate = Annotated[date, PlainValidator(_date), DATE_SCHEMA]
Clock = Annotated[time, PlainValidator(_time), CLOCK_SCHEMA]


class HorizonIn(BaseModel):
    """The first and last day sessions may be booked."""

    model_config = STRICT
    start: IsoDate
    end: IsoDate


class ComponentIn(BaseModel):
    """An exam component; an interview is always its own appointment on its own day."""

    model_config = STRICT
    id: StrictStr
    minutes: Annotated[StrictInt, AfterValidator(_positive),
                       WithJsonSchema({"type": "integer", "minimum": 1})]
    interview: StrictBool = False


class LocationIn(BaseModel):
    """An exam location with its facilities and closed dates."""

    model_config = STRICT
    id: StrictStr
    name: StrictStr | None = None
    lat: Number
    lon: Number
    facilities: list[StrictStr] = ["accessible", "extra_time"]
    closed_dates: list[IsoDate] = []


class SessionIn(BaseModel):
    """One exam session: a component at a location, date and start, with seats."""

    model_config = STRICT
    id: StrictStr
    location: StrictStr
    date: IsoDate
    component: StrictStr
    start: Clock
    minutes: StrictInt = Field(description="must be above 0")
    seats: StrictInt = Field(description="must be 0 or more")


class HomeIn(BaseModel):
    """Where the learner lives."""

    model_config = STRICT
    lat: Number
    lon: Number


class LearnerIn(BaseModel):
    """A learner: components still needed, when they are ready, their deadline and home."""

    model_config = STRICT
    id: StrictStr
    needs: list[StrictStr]
    ready: IsoDate | None = Field(None, description="the first day they may sit an exam")
    registered: IsoDate | None = Field(None, description="without `ready`: ready this many days later "
                                                         "(settings.ready_after_registration_days)")
    deadline: IsoDate
    home: HomeIn
    attempts: Annotated[dict[str, int], PlainValidator(_attempts), WithJsonSchema(
        {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}})] = {}
    max_travel_km: Number = 150.0
    unavailable: list[IsoDate] = []
    requirements: list[StrictStr] = []
    max_per_day: Annotated[StrictInt, AfterValidator(_at_least_one),
                           WithJsonSchema({"type": "integer", "minimum": 1})] = 5


class BookingIn(BaseModel):
    """An existing booking; pinned ones are kept."""

    model_config = STRICT
    learner: StrictStr
    component: StrictStr
    session: StrictStr
    pinned: StrictBool = False


class WeightsIn(BaseModel):
    """Objective weights in integer points (docs/exams.md)."""

    model_config = STRICT
    book: StrictInt = _W.book
    urgency: StrictInt = _W.urgency
    urgency_days: StrictInt = _W.urgency_days
    travel_per_km: StrictInt = _W.travel_per_km
    wait_per_day: StrictInt = _W.wait_per_day
    change: StrictInt = _W.change
    crowding: StrictInt = _W.crowding
    comfort_fill: Number = _W.comfort_fill


class SettingsIn(BaseModel):
    """Dated policy figures: free attempts, fee, lead time."""

    model_config = STRICT
    free_attempts: StrictInt = _S.free_attempts
    fee_per_component_eur: StrictInt = _S.fee_per_component_eur
    ready_after_registration_days: StrictInt = _S.ready_after_registration_days


class ExamProblemFile(BaseModel):
    """Input of `python -m scheduler exams solve`. See docs/exams.md."""

    model_config = STRICT
    horizon: HorizonIn
    components: list[ComponentIn] = []
    locations: list[LocationIn]
    sessions: list[SessionIn]
    learners: list[LearnerIn]
    bookings: list[BookingIn] = []
    open_holidays: list[IsoDate] = []
    weights: WeightsIn = WeightsIn()
    settings: SettingsIn = SettingsIn()



# -- the solution file (written by solve and greedy; read back by check, the portal and re-solves) --


def solution_wording(err: Any) -> str | None:
    """The solution reader's messages: the problem file's, and "must be an object" for any entry."""
    if err["type"] in {"dict_type", "model_type", "model_attributes_type"}:
        return "must be an object"
    return wording(err)


def _reasons(value: Any) -> list[str]:
    if isinstance(value, bool):
        raise ValueError("must not be a boolean")
    if not isinstance(value, list):
        raise ValueError(f"has the wrong type ({value!r})")
    if not all(isinstance(r, str) for r in value):
        raise ValueError("must be a list of strings")
    return value


def _at_least_zero(value: int) -> int:
    if value < 0:
        raise ValueError("must be at least 0")
    return value


REASON: dict[str, JsonValue] = {"type": "object", "required": ["code", "params"],
          "properties": {"code": {"type": "string", "pattern": r"^exams\.[a-z_]+$"},
                         "params": {"type": "object", "description": "JSON values: strings (ISO dates, "
                                    "names), numbers, null, lists of these"}}}


class BookedIn(BaseModel):
    """One booked component; `check` trusts only learner, component and session."""

    model_config = STRICT
    learner: StrictStr
    component: StrictStr
    session: StrictStr
    location: StrictStr | None = None
    date: IsoDate | None = None
    start: Clock | None = None
    attempt: Annotated[StrictInt, AfterValidator(_at_least_one),
                       WithJsonSchema({"type": "integer", "minimum": 1})] | None = None
    fee_eur: Annotated[StrictInt, AfterValidator(_at_least_zero),
                       WithJsonSchema({"type": "integer", "minimum": 0})] | None = Field(
        None, description="> 0 flags an attempt beyond the free ones.")
    pinned: StrictBool = False


class UnbookedIn(BaseModel):
    """A needed component left unbooked, with the reasons in English (and as codes)."""

    model_config = STRICT
    reasons: Annotated[list[str], PlainValidator(_reasons),
                       WithJsonSchema({"type": "array", "items": {"type": "string"}})]
    learner: StrictStr
    component: StrictStr
    reason_codes: Any = Field(None, json_schema_extra={
        "type": "array",
        "description": "Optional (absent in files from before codes existed): reasons[i] as a code "
                       "with named parameters, for readers that word reasons in another language. "
                       "Codes and parameters: docs/exams.md, *Reasons for unbooked components*.",
        "items": REASON})


class MovedIn(BaseModel):
    """An existing unpinned booking the plan does not keep exactly: moved (`to`) or dropped."""

    model_config = STRICT
    learner: StrictStr
    component: StrictStr
    session: StrictStr = Field(description="The existing booking's session.")
    to: StrictStr | None = Field(description="The new session of that component, null when dropped.")
    reason: StrictStr = Field(description="English sentence.")
    reason_code: Any = Field(json_schema_extra={
        "type": "object", "required": ["code", "params"],
        "properties": {"code": {"enum": ["exams.cannot_keep", "exams.moved_for_better_plan"]},
                       "params": {"type": "object"}}})


class ExamSolutionFile(BaseModel):
    """Output of `python -m scheduler exams solve|greedy`; read back by `check`, the portal and re-solves."""

    model_config = STRICT
    bookings: list[BookedIn]
    unbooked: list[UnbookedIn] = []
    status: Literal["optimal", "feasible", "cancelled"] = "feasible"
    objective: StrictInt = Field(0, description="Points, see docs/exams.md; `check` recomputes it.")
    bound: StrictInt | None = Field(None, description="Proven upper bound on the objective; null for "
                                                      "greedy.")
    gap: Number | None = Field(None, description="(bound - objective) / max(1, |bound|)")
    seconds: Number = 0.0
    method: StrictStr = ""
    fees_eur: StrictInt = Field(0, description="Sum of the fees of attempts beyond the free ones.")
    moved: list[MovedIn] = Field([], description=(
        "Re-solves (absent in older files): each existing unpinned booking of the problem that the "
        "plan does not keep exactly, moved (`to`) or dropped (`to` null), and why. Codes: "
        "docs/exams.md, *Re-solves*."))
