"""Each exam planning rule alone: a violating (penalised) and an allowed (unpenalised) case.

The predicates and row builders of scheduler.exams.constraints (and the LP rows built
from them) are called directly on tiny instances; no solver runs. The rules that numpy code applies
to many days or sessions at once are also checked to answer an array exactly as one value at a time.
"""

from __future__ import annotations

from datetime import date, time

import numpy as np
import pytest

from scheduler.exams import constraints as rules
from scheduler.exams import lp
from scheduler.exams.domain import Booking, Location, Session, Weights
from scheduler.exams.model import prepare

MON, TUE, WED = date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 6)
KINGS_DAY = date(2027, 4, 27)
INTERVIEWS = {"ona"}


def ordinals(*days: date) -> np.ndarray:
    return np.array([d.toordinal() for d in days], dtype=np.int64)


def sitting(loc: str, day: date, comp: str, start: time, minutes: int = 45) -> Session:
    return Session(f"{loc}-{day}-{comp}", loc, day, comp, start, minutes, 5)


# -- one learner, one day or location -------------------------------------------------------------


def test_a_day_before_the_ready_date_or_after_the_deadline_is_refused(make_learner):
    x = make_learner(ready=TUE, deadline=date(2027, 3, 1))
    assert not rules.within_window(x, MON)
    assert not rules.within_window(x, date(2027, 3, 2))
    assert rules.within_window(x, TUE) and rules.within_window(x, date(2027, 3, 1))


def test_the_window_answers_many_days_as_it_answers_one(make_learner):
    x = make_learner(ready=TUE, deadline=WED)
    days = [MON, TUE, WED, date(2027, 1, 7)]
    assert rules.within_window(x, ordinals(*days)).tolist() == [rules.within_window(x, d) for d in days]
    assert rules.within_window(x, ordinals(*days)).tolist() == [False, True, True, False]


def test_a_date_the_learner_cannot_come_is_refused(make_learner):
    x = make_learner(unavailable=frozenset({TUE}))
    assert not rules.learner_can_come(x, TUE)
    assert rules.learner_can_come(x, MON)
    assert rules.learner_can_come(x, ordinals(MON, TUE, WED)).tolist() == [True, False, True]
    assert rules.learner_can_come(make_learner(), ordinals(MON, TUE)).tolist() == [True, True]


def test_a_closed_date_or_an_unopened_public_holiday_closes_the_location(make_problem):
    p = make_problem([], [])
    closed = Location("A", "Amsterdam", p.locations[0].point, closed_dates=frozenset({TUE}))
    assert not rules.location_open(p, closed, TUE)
    assert not rules.location_open(p, closed, KINGS_DAY)
    assert rules.location_open(p, closed, MON)


def test_a_public_holiday_the_planner_opened_is_open(make_problem):
    p = make_problem([], [], open_holidays=frozenset({KINGS_DAY}))
    assert rules.location_open(p, p.locations[0], KINGS_DAY)


def test_a_location_without_the_facilities_the_learner_needs_is_refused(make_problem, make_learner):
    a, z = make_problem([], []).locations  # A has every facility, Z none
    x = make_learner(requirements=frozenset({"accessible"}))
    assert not rules.needs_respected(x, z)
    assert rules.needs_respected(x, a)
    assert rules.needs_respected(make_learner(), z)


def test_a_location_beyond_the_travel_limit_is_refused(make_problem, make_learner):
    a, z = make_problem([], []).locations  # from home: A about 5 km, Z about 85 km
    x = make_learner(max_travel_km=60)
    assert not rules.reachable(x, z)
    assert rules.reachable(x, a)
    assert rules.reachable(make_learner(max_travel_km=100), z)


# -- seats --------------------------------------------------------------------------------------


def test_a_session_without_seats_left_takes_no_booking():
    assert not rules.has_seat(0)
    assert rules.has_seat(1)
    assert rules.has_seat(np.array([2, 0, -1, 1])).tolist() == [True, False, False, True]


def test_pinned_bookings_take_their_seats_and_comfortable_seats_first(make_problem, make_session,
                                                                      make_learner):
    sessions = [make_session("A", MON, "lezen", seats=5), make_session("A", TUE, "lezen", seats=5)]
    p = make_problem(sessions, [make_learner("L1"), make_learner("L2")],
                     bookings=(Booking("L1", "lezen", sessions[0].id, pinned=True),))
    cap, comfort = rules.seats_left(p, [("L1", "lezen", 0)])
    assert cap.tolist() == [4, 5]
    assert comfort.tolist() == [3, 4]  # 80 % of 5 seats is 4 comfortable ones


# -- trips: what one trip holds, one trip a day ---------------------------------------------------


def test_a_trip_holds_at_most_max_per_day_exams():
    assert rules.trip_room(3, [False, False, False], interview=False) == 0
    assert rules.trip_room(3, [False, False], interview=False) == 1
    assert rules.trip_room(3, [], interview=False) == 3


def test_an_interview_is_a_trip_of_its_own():
    assert rules.trip_room(5, [False], interview=True) == 0
    assert rules.trip_room(5, [True], interview=False) == 0
    assert rules.trip_room(5, [], interview=True) == 1


def test_day_groups_cut_the_needed_exams_by_max_per_day_and_keep_the_interview_alone(
        make_problem, make_learner):
    p = make_problem([], [])
    x = make_learner(needs=("ona", "knm", "lezen", "luisteren", "schrijven", "spreken"), max_per_day=2)
    assert rules.day_groups(x, p, set()) == [("lezen", "luisteren"), ("schrijven", "spreken"),
                                             ("knm",), ("ona",)]
    assert rules.day_groups(x, p, {"lezen", "ona"}) == [("luisteren", "schrijven"), ("spreken", "knm")]
    assert rules.day_groups(make_learner(needs=("lezen", "knm")), p, set()) == [("lezen", "knm")]


def test_a_pinned_day_at_two_places_or_with_an_interview_takes_no_more(make_learner):
    x = make_learner(max_per_day=3)
    assert rules.pinned_day_room(x, [("A", False), ("Z", False)], False) is None
    assert rules.pinned_day_room(x, [("A", True)], False) is None
    assert rules.pinned_day_room(x, [("A", False)], True) is None
    assert rules.pinned_day_room(x, [("A", False)] * 3, False) is None


def test_a_pinned_day_takes_more_exams_at_its_location_up_to_max_per_day(make_learner):
    x = make_learner(max_per_day=3)
    assert rules.pinned_day_room(x, [("A", False)], False) == ("A", 2)
    assert rules.pinned_day_room(x, [("A", False)] * 2, False) == ("A", 1)


@pytest.fixture(name="two_trips")
def _two_trips(make_problem, make_session, make_learner):
    """L1 and L2 need lezen and ona (two trips each, so one a day binds); L3 needs lezen only."""
    sessions = [make_session("A", MON, "lezen"), make_session("A", MON, "ona"),
                make_session("A", TUE, "lezen")]
    learners = [make_learner("L1", ("lezen", "ona")), make_learner("L2", ("lezen", "ona")),
                make_learner("L3", ("lezen",))]
    return prepare(make_problem(sessions, learners))


def test_trips_of_one_class_on_one_day_share_a_key_and_one_trip_classes_have_none(two_trips):
    prep = two_trips
    keys = rules.trip_day_keys(prep, np.arange(len(prep.opt_cg)))
    pair = prep.class_of["L1"]
    assert prep.class_of["L2"] == pair  # interchangeable: one class of two
    mine = prep.cg_class[prep.opt_cg] == pair
    on_monday = mine & (prep.opt_day == MON.toordinal())
    assert on_monday.sum() == 2  # lezen on Monday and ona on Monday: two trips, one day
    assert len(set(keys[on_monday].tolist())) == 1 and keys[on_monday][0] >= 0
    assert set(keys[mine & ~on_monday].tolist()).isdisjoint(keys[on_monday].tolist())
    assert set(keys[prep.cg_class[prep.opt_cg] == prep.class_of["L3"]].tolist()) == {-1}


def test_a_class_of_n_learners_makes_at_most_n_trips_a_day(two_trips):
    prep = two_trips
    keys = rules.trip_day_keys(prep, np.arange(len(prep.opt_cg)))
    bound = keys[keys >= 0]
    assert set(rules.trips_a_day(prep, bound).tolist()) == {2}


def test_the_lp_master_gets_the_one_trip_a_day_row(two_trips):
    prep = two_trips
    m = lp.new_master(prep)
    rows_before = m.h.getNumRow()
    options = np.arange(len(prep.opt_cg))
    lp.add_columns(m, options, np.ones(len(options), dtype=np.int64))
    keys = rules.trip_day_keys(prep, options)
    assert m.h.getNumRow() - rows_before == len(set(keys[keys >= 0].tolist()))
    upper = np.array(m.h.getLp().row_upper_)
    assert upper[list(m.day.values())].tolist() == [2.0] * len(m.day)


def test_a_second_location_an_overlap_or_a_full_day_does_not_fit(make_learner):
    x = make_learner(max_per_day=2)
    lezen = sitting("A", MON, "lezen", time(9), 65)
    assert not rules.fits_the_day(x, [lezen], sitting("Z", MON, "knm", time(14)), INTERVIEWS)
    assert not rules.fits_the_day(x, [lezen], sitting("A", MON, "knm", time(10)), INTERVIEWS)
    full = [lezen, sitting("A", MON, "luisteren", time(10, 30))]
    assert not rules.fits_the_day(x, full, sitting("A", MON, "knm", time(14)), INTERVIEWS)
    assert not rules.fits_the_day(x, [lezen], sitting("A", MON, "ona", time(15), 30), INTERVIEWS)


def test_a_later_exam_at_the_same_location_fits_the_day(make_learner):
    x = make_learner(max_per_day=2)
    lezen = sitting("A", MON, "lezen", time(9), 65)
    assert rules.fits_the_day(x, [lezen], sitting("A", MON, "knm", time(10, 5)), INTERVIEWS)
    assert rules.fits_the_day(x, [], sitting("A", MON, "ona", time(15), 30), INTERVIEWS)


# -- fees -----------------------------------------------------------------------------------------


def test_an_attempt_beyond_the_free_ones_costs_the_fee(make_learner):
    assert rules.attempt_fee(2, free=2, fee=50) == (3, 50)
    x = make_learner(attempts=(("lezen", 2),))
    assert rules.fee_for(x, "lezen", 2, 50) == (3, 50)


def test_a_free_attempt_costs_nothing(make_learner):
    assert rules.attempt_fee(1, free=2, fee=50) == (2, 0)
    x = make_learner(attempts=(("lezen", 2),))
    assert rules.fee_for(x, "knm", 2, 50) == (1, 0)


# -- soft rules -----------------------------------------------------------------------------------


def test_waiting_after_the_ready_date_costs_points_and_an_early_booking_does_not(make_learner):
    w = Weights()
    x = make_learner(ready=MON, deadline=date(2028, 1, 1))  # far deadline: no urgency
    start = date(2027, 1, 1)
    assert rules.booking_value(w, x, start, MON) == w.book
    assert rules.booking_value(w, x, start, WED) == w.book - 2 * w.wait_per_day
    days = [MON, TUE, WED]
    assert rules.booking_value(w, x, start, ordinals(*days)).tolist() == \
        [rules.booking_value(w, x, start, d) for d in days]


def test_a_near_deadline_earns_urgency_points(make_learner):
    w = Weights()
    start = date(2027, 1, 1)
    near = make_learner(ready=MON, deadline=start.replace(day=31))  # 30 days left of 90
    assert rules.booking_value(w, near, start, MON) == w.book + 60 * w.urgency // 90
    assert rules.booking_value(w, make_learner(ready=MON), start, MON) == w.book


def test_travel_costs_points_per_kilometre_per_trip():
    assert rules.travel_cost(Weights(travel_per_km=2), 85.4) == 170
    assert rules.travel_cost(Weights(travel_per_km=2), 0.0) == 0


def test_moving_an_existing_booking_costs_change_points():
    assert rules.change_cost(Weights(change=300)) == 300
    assert rules.change_cost(Weights(change=0)) == 0


def test_seats_beyond_the_comfortable_fill_cost_crowding_points():
    w = Weights(crowding=5, comfort_fill=0.8)
    comfort = rules.comfort_seats(w, 10)
    assert comfort == 8
    taken = np.array([7, 8, 9, 11])
    assert rules.crowding_cost(w, taken, np.full(4, comfort)).tolist() == [0, 0, 5, 15]
