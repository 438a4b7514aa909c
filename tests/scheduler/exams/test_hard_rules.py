"""One penalised and one unpenalised tiny instance per hard rule; every solution is checked."""

from __future__ import annotations

from datetime import date

from scheduler.exams.check import check
from scheduler.exams.domain import Booking, Location

MON, TUE, WED = date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 6)


def comps(solution) -> list[tuple[str, str]]:
    return sorted((b.learner, b.component) for b in solution.bookings)


def test_a_full_session_turns_the_second_learner_away(make_problem, make_session, make_learner,
                                                       solve_checked):
    p = make_problem([make_session("A", MON, "lezen", seats=1)],
                     [make_learner("L1"), make_learner("L2")])
    assert len(solve_checked(p).bookings) == 1


def test_a_session_with_room_takes_both_learners(make_problem, make_session, make_learner,
                                                 solve_checked):
    p = make_problem([make_session("A", MON, "lezen", seats=2)],
                     [make_learner("L1"), make_learner("L2")])
    assert len(solve_checked(p).bookings) == 2


def test_a_component_is_booked_once_although_two_sessions_are_free(make_problem, make_session,
                                                                   make_learner, solve_checked):
    p = make_problem([make_session("A", MON, "lezen"), make_session("A", TUE, "lezen")],
                     [make_learner()])
    assert comps(solve_checked(p)) == [("L1", "lezen")]


def test_the_check_rejects_a_component_booked_twice(make_problem, make_session, make_learner):
    p = make_problem([make_session("A", MON, "lezen"), make_session("A", TUE, "lezen")],
                     [make_learner()])
    errors, _ = check(p, [("L1", "lezen", "A-2027-01-04-lezen"), ("L1", "lezen", "A-2027-01-05-lezen")])
    assert any("booked 2 times" in e for e in errors)


def test_no_exam_before_the_ready_date(make_problem, make_session, make_learner, solve_checked):
    p = make_problem([make_session("A", MON, "lezen")], [make_learner(ready=TUE)])
    assert solve_checked(p).bookings == []


def test_an_exam_on_the_ready_date_is_booked(make_problem, make_session, make_learner,
                                             solve_checked):
    p = make_problem([make_session("A", TUE, "lezen")], [make_learner(ready=TUE)])
    assert len(solve_checked(p).bookings) == 1


def test_no_exam_after_the_deadline(make_problem, make_session, make_learner, solve_checked):
    p = make_problem([make_session("A", WED, "lezen")], [make_learner(deadline=TUE)])
    assert solve_checked(p).bookings == []


def test_no_exam_on_kings_day_unless_a_planner_opens_it(make_problem, make_session, make_learner,
                                                        solve_checked):
    kings_day = date(2027, 4, 27)
    sessions, people = [make_session("A", kings_day, "lezen")], [make_learner()]
    assert solve_checked(make_problem(sessions, people)).bookings == []
    opened = make_problem(sessions, people, open_holidays=frozenset({kings_day}))
    assert len(solve_checked(opened).bookings) == 1


def test_no_exam_on_a_locations_closed_date(make_problem, make_session, make_learner,
                                            solve_checked):
    closed = (Location("A", "Amsterdam", make_learner().home, closed_dates=frozenset({MON})),)
    p = make_problem([make_session("A", MON, "lezen")], [make_learner()], locations=closed)
    assert solve_checked(p).bookings == []


def test_no_exam_on_a_date_the_learner_cannot_come(make_problem, make_session, make_learner,
                                                   solve_checked):
    p = make_problem([make_session("A", MON, "lezen"), make_session("A", TUE, "lezen")],
                     [make_learner(unavailable=frozenset({MON}))])
    assert [b.day for b in solve_checked(p).bookings] == [TUE]


def test_a_learner_needing_access_is_not_sent_where_there_is_none(make_problem, make_session,
                                                                  make_learner, solve_checked):
    sessions = [make_session("Z", MON, "lezen")]
    needy = make_learner(requirements=frozenset({"accessible"}), max_travel_km=300)
    assert solve_checked(make_problem(sessions, [needy])).bookings == []
    plain = make_learner(max_travel_km=300)
    assert len(solve_checked(make_problem(sessions, [plain])).bookings) == 1


def test_a_location_beyond_the_travel_limit_is_not_used(make_problem, make_session, make_learner,
                                                        solve_checked):
    sessions = [make_session("Z", MON, "lezen")]
    assert solve_checked(make_problem(sessions, [make_learner(max_travel_km=50)])).bookings == []
    assert len(solve_checked(make_problem(sessions, [make_learner(max_travel_km=100)])).bookings) == 1


def test_same_day_components_are_at_one_location(make_problem, make_session, make_learner,
                                                 solve_checked):
    far = make_learner(needs=("lezen", "luisteren"), max_travel_km=300)
    split = [make_session("A", MON, "lezen"), make_session("Z", MON, "luisteren")]
    assert len(solve_checked(make_problem(split, [far])).bookings) == 1
    together = [make_session("A", MON, "lezen"), make_session("A", MON, "luisteren")]
    assert len({b.location for b in solve_checked(make_problem(together, [far])).bookings}) == 1


def test_the_check_rejects_two_locations_on_one_day(make_problem, make_session, make_learner):
    far = make_learner(needs=("lezen", "luisteren"), max_travel_km=300)
    p = make_problem([make_session("A", MON, "lezen"), make_session("Z", MON, "luisteren")], [far])
    errors, _ = check(p, [("L1", "lezen", "A-2027-01-04-lezen"),
                          ("L1", "luisteren", "Z-2027-01-04-luisteren")])
    assert any("two locations" in e for e in errors)


def test_a_learner_allowed_one_component_a_day_gets_two_days(make_problem, make_session,
                                                            make_learner, solve_checked):
    sessions = [make_session("A", d, c) for d in (MON, TUE) for c in ("lezen", "luisteren")]
    one = make_learner(needs=("lezen", "luisteren"), max_per_day=1)
    assert len({b.day for b in solve_checked(make_problem(sessions, [one])).bookings}) == 2
    five = make_learner(needs=("lezen", "luisteren"))
    assert len({b.day for b in solve_checked(make_problem(sessions, [five])).bookings}) == 1


def test_the_ona_interview_never_shares_a_day(make_problem, make_session, make_learner,
                                              solve_checked):
    both = make_learner(needs=("spreken", "ona"))
    same_day = [make_session("A", MON, "spreken"), make_session("A", MON, "ona")]
    assert len(solve_checked(make_problem(same_day, [both])).bookings) == 1
    next_day = [make_session("A", MON, "spreken"), make_session("A", TUE, "ona")]
    assert len({b.day for b in solve_checked(make_problem(next_day, [both])).bookings}) == 2


def test_ona_interviews_respect_the_examiners_free(make_problem, make_session, make_learner,
                                                   solve_checked):
    people = [make_learner("L1", ("ona",)), make_learner("L2", ("ona",))]
    assert len(solve_checked(make_problem([make_session("A", MON, "ona", 1)], people)).bookings) == 1
    assert len(solve_checked(make_problem([make_session("A", MON, "ona", 2)], people)).bookings) == 2


def test_a_pinned_booking_is_kept_even_when_a_better_day_exists(make_problem, make_session,
                                                                make_learner, solve_checked):
    sessions = [make_session("A", MON, "lezen"), make_session("A", WED, "lezen")]
    pin = (Booking("L1", "lezen", "A-2027-01-06-lezen", pinned=True),)
    solution = solve_checked(make_problem(sessions, [make_learner()], pin))
    assert [(b.session, b.pinned) for b in solution.bookings] == [("A-2027-01-06-lezen", True)]


def test_the_check_rejects_a_dropped_pinned_booking(make_problem, make_session, make_learner):
    pin = (Booking("L1", "lezen", "A-2027-01-06-lezen", pinned=True),)
    p = make_problem([make_session("A", MON, "lezen"), make_session("A", WED, "lezen")],
                     [make_learner()], pin)
    errors, _ = check(p, [("L1", "lezen", "A-2027-01-04-lezen")])
    assert any("pinned" in e for e in errors)


def test_a_third_attempt_is_booked_and_flagged_with_its_fee(make_problem, make_session,
                                                            make_learner, solve_checked):
    p = make_problem([make_session("A", MON, "lezen"), make_session("A", MON, "luisteren")],
                     [make_learner(needs=("lezen", "luisteren"), attempts=(("lezen", 2),))])
    fees = {b.component: (b.attempt, b.fee_eur) for b in solve_checked(p).bookings}
    assert fees == {"lezen": (3, 50), "luisteren": (1, 0)}
