"""The sessions reasons added for issue 18 (holidays, cohorts not opened, costly seats) read in Dutch."""

from __future__ import annotations

from datetime import date

from flask import Flask

from provider_portal.solver_reasons import reason_text
from scheduler.sessions import reasons as why


def test_the_holiday_reason_and_the_not_opened_outcome_read_in_dutch(app: Flask) -> None:
    holiday = why.public_holiday("KNM", 2, ("ar",), 25.0, date(2027, 2, 1), None, ["2027-04-27"])
    unopened = why.reachable_cohorts("PVT", 4, [(1, "below_minimum"), (2, "not_opened"), (1, "room_costly")])
    with app.test_request_context():  # a Dutch session
        text = reason_text(holiday)
        assert text is not None and text.startswith("KNM: 2 cohort(en) in het Arabisch binnen 25 km")
        assert "officiële feestdag (27 apr 2027)" in text
        assert reason_text(unopened) == (
            "PVT: 4 bereikbare cohort(en): 1 gaan niet door (te weinig inburgeraars voor het "
            "minimum); 2 gaan niet door, hoewel genoeg niet-geplaatste inburgeraars erin passen om "
            "het minimum te halen; 1 hebben nog plaats, maar de inburgeraar daar plaatsen zou het "
            "plan als geheel slechter maken"
        )
