"""The exams problem file as one declarative model; docs/schemas/exams-problem.schema.json comes from it.

Structure, types and single-field rules live here; io.py builds the domain objects and
validate.py checks what spans records (ids, references, overlaps).
"""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    WithJsonSchema,
)

from scheduler.common.jsonmodel import STRICT, Number
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


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"must be a date YYYY-MM-DD, got {value!r}") from None


def _time(value: Any) -> time:
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"must be a time HH:MM, got {value!r}") from None


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


IsoDate = Annotated[date, PlainValidator(_date),
                    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"})]
Clock = Annotated[time, PlainValidator(_time),
                  WithJsonSchema({"type": "string", "pattern": r"^\d{2}:\d{2}$"})]


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

