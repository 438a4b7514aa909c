"""One penalised and one unpenalised tiny instance per soft rule of the objective."""

from __future__ import annotations

from datetime import date

from scheduler.common.geo import Point
from scheduler.exams.domain import Booking, Weights

MON, TUE, WED = date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 6)


def test_the_last_seat_goes_to_the_learner_with_the_nearest_deadline(make_problem, make_session,
                                                                     make_learner, solve_checked):
    calm = make_learner("L1", deadline=date(2028, 1, 1))
    urgent = make_learner("L2", deadline=date(2027, 2, 1))
    p = make_problem([make_session("A", MON, "lezen", seats=1)], [calm, urgent])
    assert [b.learner for b in solve_checked(p).bookings] == ["L2"]


def test_equal_deadlines_leave_the_seat_to_the_lower_travel(make_problem, make_session,
                                                            make_learner, solve_checked):
    near = make_learner("L1")
    far = make_learner("L2", home=Point(52.0, 5.0))  # Utrecht area, ~45 km from A
    p = make_problem([make_session("A", MON, "lezen", seats=1)], [far, near])
    assert [b.learner for b in solve_checked(p).bookings] == ["L1"]


def test_the_nearer_location_is_chosen(make_problem, make_session, make_learner, solve_checked):
    sessions = [make_session("A", MON, "lezen"), make_session("Z", MON, "lezen")]
    p = make_problem(sessions, [make_learner(max_travel_km=300)])
    assert [b.location for b in solve_checked(p).bookings] == ["A"]


def test_without_a_travel_weight_either_location_scores_the_same(make_problem, make_session,
                                                                 make_learner, solve_checked):
    sessions = [make_session("A", MON, "lezen"), make_session("Z", MON, "lezen")]
    free_travel = Weights(travel_per_km=0)
    p = make_problem(sessions, [make_learner(max_travel_km=300)], weights=free_travel)
    solution = solve_checked(p)
    assert len(solution.bookings) == 1 and solution.objective == free_travel.book


def test_the_earliest_day_after_the_ready_date_is_chosen(make_problem, make_session, make_learner,
                                                         solve_checked):
    p = make_problem([make_session("A", WED, "lezen"), make_session("A", MON, "lezen")],
                     [make_learner()])
    assert [b.day for b in solve_checked(p).bookings] == [MON]


def test_a_trip_for_all_components_beats_two_trips(make_problem, make_session, make_learner,
                                                   solve_checked):
    sessions = [make_session("A", d, c) for d in (MON, TUE) for c in ("lezen", "luisteren")]
    p = make_problem(sessions, [make_learner(needs=("lezen", "luisteren"))])
    assert len({b.day for b in solve_checked(p).bookings}) == 1


def test_an_existing_booking_is_kept_when_moving_costs_more(make_problem, make_session,
                                                            make_learner, solve_checked):
    sessions = [make_session("A", MON, "lezen"), make_session("A", WED, "lezen")]
    existing = (Booking("L1", "lezen", "A-2027-01-06-lezen"),)
    p = make_problem(sessions, [make_learner()], existing)
    assert [b.day for b in solve_checked(p).bookings] == [WED]


def test_an_existing_booking_moves_when_changes_are_free(make_problem, make_session, make_learner,
                                                         solve_checked):
    sessions = [make_session("A", MON, "lezen"), make_session("A", WED, "lezen")]
    existing = (Booking("L1", "lezen", "A-2027-01-06-lezen"),)
    p = make_problem(sessions, [make_learner()], existing, weights=Weights(change=0))
    assert [b.day for b in solve_checked(p).bookings] == [MON]


def test_crowding_spreads_learners_over_sessions(make_problem, make_session, make_learner,
                                                 solve_checked):
    sessions = [make_session("A", MON, "lezen", seats=4), make_session("A", TUE, "lezen", seats=4)]
    people = [make_learner(f"L{i}") for i in range(4)]
    spread = make_problem(sessions, people, weights=Weights(crowding=50, comfort_fill=0.5))
    assert sorted(b.day for b in solve_checked(spread).bookings) == [MON, MON, TUE, TUE]


def test_without_crowding_everyone_takes_the_earliest_session(make_problem, make_session,
                                                              make_learner, solve_checked):
    sessions = [make_session("A", MON, "lezen", seats=4), make_session("A", TUE, "lezen", seats=4)]
    people = [make_learner(f"L{i}") for i in range(4)]
    packed = make_problem(sessions, people, weights=Weights(crowding=0, comfort_fill=0.5))
    assert [b.day for b in solve_checked(packed).bookings] == [MON] * 4
