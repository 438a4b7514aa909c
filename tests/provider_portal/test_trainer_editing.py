"""A planner edits a trainer: languages they teach in and when they are available."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from provider_portal.models import Trainer
from provider_portal.models.enums import Role
from tests.factories import make_user
from tests.web import login, submit, text


@pytest.fixture()
def trainers(db: Session, client) -> dict:
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    mine = Trainer(municipality="Utrecht", name="Fatima Yilmaz", email="fatima@utrecht.nl")
    theirs = Trainer(municipality="Rotterdam", name="Rik Rotterdam")
    db.add_all([mine, theirs])
    db.commit()
    login(client, planner.email)
    return {"mine": mine, "theirs": theirs}


def test_the_planner_records_languages_and_availability(client, db: Session, trainers) -> None:
    trainer = trainers["mine"]
    response = submit(client, f"/planning/trainers/{trainer.id}/edit", {
        "name": "Fatima Yilmaz-de Vries", "email": "fatima@utrecht.nl", "languages": ["tr", "ar"],
        "availability": ["wed:evening", "mon:morning"]})
    assert response.status_code == 302
    db.refresh(trainer)
    assert trainer.name == "Fatima Yilmaz-de Vries"
    assert trainer.languages == ["ar", "tr"]
    assert trainer.availability == ["mon:morning", "wed:evening"]  # in week order
    page = text(client.get("/planning/cohorts/"))
    assert "Geeft les in: Arabisch, Turks" in page and "maandagochtend" in page.lower()


@pytest.mark.parametrize(("data", "error_id"), [
    ({"languages": []}, "languages-error"),
    ({"languages": ["xx"]}, "languages-error"),
    ({"availability": []}, "availability-error"),
    ({"availability": ["sun:midnight"]}, "availability-error"),
    ({"name": ""}, "name-error"),
])
def test_bad_input_is_a_field_error_and_changes_nothing(
    client, db: Session, trainers, data, error_id
) -> None:
    trainer = trainers["mine"]
    form = {"name": "X", "email": "", "languages": ["ar"], "availability": ["mon:morning"]} | data
    response = submit(client, f"/planning/trainers/{trainer.id}/edit", form)
    assert response.status_code == 200 and f'id="{error_id}"' in text(response)
    db.refresh(trainer)
    assert (trainer.name, trainer.languages, trainer.availability) == ("Fatima Yilmaz", [], [])


def test_another_municipalitys_trainer_is_not_found(client, trainers) -> None:
    assert client.get(f"/planning/trainers/{trainers['theirs'].id}/edit").status_code == 404
