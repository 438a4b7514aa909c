"""A failed SQL statement never puts its values (BSNs, names) into the error or the error log."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from provider_portal.access import public
from provider_portal.models import Learner
from tests.factories import make_learner, make_provider

BSN = "123456782"


def _duplicate(provider_id: int) -> Learner:
    return Learner(provider_id=provider_id, bsn=BSN, first_name="Verborgen", last_name="Naamloos",
                   migrant_type="asiel", route="B1", municipality="Utrecht", postcode="3511AB")


def test_an_integrity_error_holds_no_parameter_values(db: Session) -> None:
    provider = make_provider(db)
    make_learner(db, provider, bsn=BSN)
    db.add(_duplicate(provider.id))
    with pytest.raises(IntegrityError) as caught:
        db.commit()
    assert BSN not in str(caught.value) and "Verborgen" not in str(caught.value)
    assert "hidden due to hide_parameters" in str(caught.value)


def test_the_error_log_of_a_failed_request_holds_no_bsn(app: Flask, db: Session, caplog) -> None:
    provider = make_provider(db)
    make_learner(db, provider, bsn=BSN)

    @app.route("/duplicate")
    @public
    def duplicate() -> str:
        from provider_portal.db import get_session

        session = get_session()
        session.add(_duplicate(provider.id))
        session.commit()
        return "stored"

    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/duplicate")
    assert response.status_code == 500
    assert "IntegrityError" in caplog.text and BSN not in caplog.text and "Verborgen" not in caplog.text
