"""The planner's calendar: meetings and exam sessions by week and month, clashes with a reason."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlmodel import Session

from provider_portal.models import Cohort, CohortMeeting, ExamLocation, ExamSession, Trainer
from provider_portal.models.enums import Role
from provider_portal.planning.calendar import Event, day_parts, mark_clashes, period, trainer_mismatches
from tests.factories import make_user
from tests.web import login, text

DAY = date(2027, 1, 5)  # a Tuesday


def _meeting(title: str, start: int, end: int, trainer_id: int, venue: str, day: date = DAY) -> Event:
    return Event(day, time(start), time(end), "meeting", title, venue, trainer_id, f"Trainer {trainer_id}")


def test_same_trainer_at_overlapping_times_clashes_both_ways_with_a_reason() -> None:
    a, b = mark_clashes([_meeting("KNM ar", 10, 12, 1, "Wijkcentrum A"), _meeting("PVT ti", 11, 13, 1, "B")])
    assert len(a.clashes) == 1 and "Trainer 1" in a.clashes[0] and "PVT ti" in a.clashes[0]
    assert "11:00" in a.clashes[0] and "KNM ar" in b.clashes[0]


def test_same_room_clashes_whatever_the_spelling_of_spaces_and_case() -> None:
    a, b = mark_clashes([_meeting("A", 9, 11, 1, "Wijkcentrum  Oost"),
                         _meeting("B", 10, 12, 2, "wijkcentrum oost")])
    assert a.clashes and b.clashes and "Wijkcentrum  Oost" in a.clashes[0]


@pytest.mark.parametrize("second", [
    _meeting("B", 12, 14, 1, "Wijkcentrum A"),  # starts when the first ends: no overlap
    _meeting("B", 10, 12, 2, "Bibliotheek"),  # other trainer, other room
    _meeting("B", 10, 12, 1, "Wijkcentrum A", day=date(2027, 1, 6)),  # another day
])
def test_no_clash_without_overlap_or_without_a_shared_trainer_or_room(second: Event) -> None:
    first = _meeting("A", 10, 12, 1, "Wijkcentrum A")
    mark_clashes([first, second])
    assert first.clashes == [] and second.clashes == []


def test_trainer_and_room_together_give_two_reasons_and_exams_are_not_checked() -> None:
    exam = Event(DAY, time(10), time(11), "exam", "Reading exam", "Wijkcentrum A")
    a, b, _ = mark_clashes([_meeting("A", 10, 12, 1, "Wijkcentrum A"),
                            _meeting("B", 10, 12, 1, "Wijkcentrum A"), exam])
    assert len(a.clashes) == 2 and exam.clashes == []


def test_the_week_runs_monday_to_sunday_and_the_month_covers_whole_weeks() -> None:
    assert period("week", date(2027, 1, 7)) == (date(2027, 1, 4), date(2027, 1, 10))
    first, last = period("month", date(2027, 2, 15))
    assert first == date(2027, 2, 1) and last == date(2027, 2, 28)  # February 2027 starts on a Monday
    assert period("month", date(2027, 1, 15)) == (date(2026, 12, 28), date(2027, 1, 31))


@pytest.fixture()
def calendar_world(db: Session, client) -> dict:
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    fatima = Trainer(municipality="Utrecht", name="Fatima Yilmaz")
    joost = Trainer(municipality="Utrecht", name="Joost de Wit")
    db.add_all([fatima, joost])
    db.flush()
    cohorts = [Cohort(municipality="Utrecht", module=m, name=n, venue=v, language="ar", trainer_id=t.id,
                      min_size=1, max_size=10)
               for m, n, v, t in (("KNM", "KNM Arabisch", "Wijkcentrum Oost", fatima),
                                  ("PVT", "PVT Tigrinya", "Bibliotheek Centrum", fatima),
                                  ("MAP", "MAP Dari", "Wijkcentrum Oost", joost),
                                  ("KNM", "KNM Zeist", "Dorpshuis", joost))]
    other_town = Cohort(municipality="Rotterdam", module="KNM", name="KNM Rotterdam",
                        venue="Wijkcentrum Oost", language="ar", trainer_id=joost.id, min_size=1, max_size=10)
    db.add_all([*cohorts, other_town])
    db.flush()
    db.add_all([CohortMeeting(cohort_id=cohorts[0].id, meeting_date=DAY, start_time=time(10),
                              end_time=time(12)),
                CohortMeeting(cohort_id=cohorts[1].id, meeting_date=DAY, start_time=time(11),
                              end_time=time(13)),
                CohortMeeting(cohort_id=cohorts[2].id, meeting_date=date(2027, 1, 7), start_time=time(9),
                              end_time=time(11)),
                CohortMeeting(cohort_id=cohorts[3].id, meeting_date=date(2027, 1, 20), start_time=time(9),
                              end_time=time(11)),
                CohortMeeting(cohort_id=other_town.id, meeting_date=DAY, start_time=time(10),
                              end_time=time(12))])
    location = ExamLocation(code="utrecht", name="DUO Utrecht", lat=52.09, lon=5.12)
    db.add(location)
    db.flush()
    db.add(ExamSession(location_id=location.id, day=date(2027, 1, 8), component="lezen", start_time=time(9),
                       minutes=65, seats=20))
    db.commit()
    login(client, planner.email)
    return {"fatima": fatima, "joost": joost}


def test_the_week_shows_meetings_exams_and_the_trainers_clash_in_dutch(
    client, calendar_world, frozen_now
) -> None:
    frozen_now(datetime(2027, 1, 6, 9))
    assert "Zelfde trainer (Fatima Yilmaz)" in text(client.get("/planning/calendar"))  # this week
    page = text(client.get("/planning/calendar?date=2027-01-05"))
    assert "KNM Arabisch" in page and "PVT Tigrinya" in page and "MAP Dari" in page
    assert "Leesexamen" in page and "DUO Utrecht" in page and "09:00–10:05" in page
    assert 'id="clash-summary"' in page and "2 bijeenkomsten overlappen" in page
    assert "Zelfde trainer (Fatima Yilmaz) als PVT Tigrinya, 11:00–13:00" in page
    assert "KNM Rotterdam" not in page  # another municipality's cohort is not the planner's
    assert "KNM Zeist" not in page  # the week after next


def test_the_month_and_the_filters(client, calendar_world) -> None:
    month = text(client.get("/planning/calendar?view=month&date=2027-01-05"))
    assert "KNM Zeist" in month and "januari 2027" in month
    joost = calendar_world["joost"].id
    only_joost = text(client.get(f"/planning/calendar?view=month&date=2027-01-05&trainer={joost}"))
    assert "MAP Dari" in only_joost and "KNM Arabisch" not in only_joost
    oost = text(client.get("/planning/calendar?date=2027-01-05&place=Wijkcentrum+Oost"))
    assert "KNM Arabisch" in oost and ">PVT Tigrinya</a>" not in oost
    # the clash with a meeting the filter hides still shows on the one that is shown
    assert "Zelfde trainer (Fatima Yilmaz) als PVT Tigrinya" in oost


def test_a_bad_date_is_a_400_naming_the_format(client, calendar_world, frozen_now) -> None:
    frozen_now(datetime(2026, 12, 3, 9))
    response = client.get("/planning/calendar?date=5-1-2027")
    assert response.status_code == 400 and 'id="date-error"' in text(response)
    assert "2026-03-15" in text(response) and "KNM Arabisch" not in text(response)  # shows this week


def test_a_meeting_outside_the_trainers_languages_or_day_parts_is_marked() -> None:
    evening = _meeting("KNM", 19, 21, 1, "A")  # a Tuesday evening
    assert day_parts(evening.day, evening.start, evening.end) == {"tue:evening"}
    assert day_parts(DAY, time(11), time(13)) == {"tue:morning", "tue:afternoon"}
    assert trainer_mismatches(evening, "ar", [], []) == []  # nothing recorded: nothing assumed
    assert trainer_mismatches(evening, "ar", ["ar"], ["tue:evening"]) == []
    [language] = trainer_mismatches(evening, "ti", ["ar", "tr"], [])
    assert "Trainer 1" in language and "Tigrinya" in language
    [when] = trainer_mismatches(evening, "ar", [], ["tue:morning", "wed:evening"])
    assert "not available" in when


def test_the_calendar_marks_a_trainer_who_does_not_teach_in_the_cohorts_language(
    client, db: Session, calendar_world
) -> None:
    joost = calendar_world["joost"]
    joost.languages = ["nl", "en"]
    db.add(joost)
    db.commit()
    page = text(client.get("/planning/calendar?date=2027-01-05"))
    assert "Joost de Wit geeft geen les in het Arabisch" in page
