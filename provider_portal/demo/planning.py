"""Demo trainers and upcoming KNM, PVT and MAP cohorts in the demo planners' municipalities."""

from __future__ import annotations

import random
from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.exams.calendar import plan_calendar
from provider_portal.models import ExamLocation
from provider_portal.models.keys import pk
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort

LANGUAGES = ("ar", "ti", "uk", "prs", "tr", "nl")
MEETINGS = {"KNM": 6, "PVT": 2, "MAP": 8}
TIMES = ((time(9, 30), time(12)), (time(13, 30), time(16)), (time(19), time(21, 30)))
TRAINERS = (
    "Sanne de Vries",
    "Youssef El Amrani",
    "Meron Tesfamariam",
    "Olga Petrenko",
    "Farid Rahimi",
    "Ayşe Demir",
    "Pieter Bakker",
    "Nadia Haddou",
)


def seed_planning(session: Session, rng: random.Random, municipalities: tuple[str, ...], today: date) -> None:
    """Two trainers per municipality and a cohort per module and common language in the larger ones."""
    for index, town in enumerate(municipalities):
        trainers = [
            add_trainer(session, town, rng.choice(TRAINERS), f"trainer{index}{n}@gemeente-demo.nl")
            for n in range(2)
        ]
        languages = LANGUAGES if index < 2 else LANGUAGES[::2]
        for module, count in MEETINGS.items():
            for number, language in enumerate(languages):
                start, end = TIMES[(number + index) % len(TIMES)]
                first = today + timedelta(
                    weeks=rng.randint(3, 10), days=(number + len(module)) % 5 - today.weekday()
                )
                save_cohort(
                    session,
                    CohortData(
                        municipality=town,
                        module=module,
                        name=f"{module} {language} {town} {number + 1}",
                        venue=f"Wijkcentrum {town}",
                        language=language,
                        trainer_id=pk(trainers[number % 2]),
                        min_size=6,
                        max_size=16,
                        cost_cents=rng.choice([90000, 120000, 150000]),
                        first_day=first,
                        meetings=count,
                        start_time=start,
                        end_time=end,
                    ),
                )


# Demo rooms per location: (computer seats per sitting, ONA examiners, address for the letters).
# The figures and addresses are demo data, not DUO's; a planner sets the real ones per location.
DEMO_ROOMS: dict[str, tuple[int, int, str]] = {
    "amsterdam": (12, 2, "Examenlocatie DUO, Wibautstraat 3, 1091 GH Amsterdam"),
    "rotterdam": (10, 2, "Examenlocatie DUO, Kruisplein 25, 3014 DB Rotterdam"),
    "rijswijk": (10, 1, "Examenlocatie DUO, Verrijn Stuartlaan 1, 2288 EK Rijswijk"),
    "eindhoven": (8, 1, "Examenlocatie DUO, Stationsplein 17, 5611 AC Eindhoven"),
    "zwolle": (8, 1, "Examenlocatie DUO, Burgemeester Roelenweg 13, 8021 EV Zwolle"),
}


def seed_exam_calendar(session: Session, today: date) -> None:
    """Exam days at every DUO location for the coming quarter: Tuesdays and Thursdays, in rooms of
    8 to 12 seats, so a quarter's candidates spread over the days at their nearest location."""
    for place in session.execute(sa.select(ExamLocation).where(col(ExamLocation.active))).scalars().all():
        seats, examiners, address = DEMO_ROOMS.get(place.code, (10, 1, ""))
        place.address = place.address or address
        plan_calendar(session, place, today, today + timedelta(weeks=13), {1, 3}, seats=seats,
                      examiners=examiners)
