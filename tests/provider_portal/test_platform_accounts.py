"""A platform admin manages planner and platform-admin accounts in the portal."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from provider_portal.models import PlannerMunicipality, User
from provider_portal.models.enums import Role
from provider_portal.users.accounts import create_platform_account, list_platform_accounts, set_active
from provider_portal.users.service import UserError, reset_password
from tests.factories import count_rows, make_provider, make_user
from tests.web import csrf_token, login, submit, text

SECRET = "a long enough secret"


@pytest.fixture()
def admin(db: Session, client) -> User:
    user = make_user(db, None, role=Role.PLATFORM_ADMIN)
    login(client, user.email)
    return user


# --- service ---------------------------------------------------------------------------------


def test_a_planner_is_created_with_their_municipalities(db: Session) -> None:
    user = create_platform_account(db, email="Plan@Gemeente.nl", name=" Planner ", role="planner",
                                   password=SECRET, municipalities=("Utrecht", "Amersfoort"))
    db.commit()  # the caller's commit: the service leaves it to its caller
    assert (user.email, user.name, user.provider_id) == ("plan@gemeente.nl", "Planner", None)
    assert user.active
    [account] = list_platform_accounts(db)
    assert account.municipalities == ("Amersfoort", "Utrecht")


@pytest.mark.parametrize(("role", "towns", "field"), [
    ("planner", (), "municipalities"),
    ("planner", ("Utrecht", "Atlantis"), "municipalities"),
    ("platform_admin", ("Utrecht",), "municipalities"),
    ("teacher", (), "role"),
])
def test_bad_input_stores_nothing(db: Session, role: str, towns: tuple[str, ...], field: str) -> None:
    with pytest.raises(UserError) as refused:
        create_platform_account(db, email="x@gemeente.nl", name="X", role=role, password=SECRET,
                                municipalities=towns)
    assert refused.value.field == field
    assert count_rows(db, User) == 0 and count_rows(db, PlannerMunicipality) == 0


def test_a_duplicate_email_stores_no_municipalities(db: Session) -> None:
    make_user(db, None, role=Role.PLANNER, email="taken@gemeente.nl", municipalities=("Utrecht",))
    with pytest.raises(UserError) as refused:
        create_platform_account(db, email="TAKEN@gemeente.nl", name="X", role="planner", password=SECRET,
                                municipalities=("Rotterdam",))
    assert refused.value.field == "email"
    assert count_rows(db, User) == 1 and count_rows(db, PlannerMunicipality) == 1


def test_a_platform_admin_cannot_deactivate_themself_but_others(db: Session) -> None:
    admin = make_user(db, None, role=Role.PLATFORM_ADMIN)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    with pytest.raises(UserError):
        set_active(db, admin, admin, False)
    set_active(db, admin, planner, False)
    set_active(db, admin, admin, True)
    db.commit()
    assert (admin.active, planner.active) == (True, False)


def test_a_reset_password_follows_the_policy(db: Session) -> None:
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    with pytest.raises(UserError) as refused:
        reset_password(db, planner, "short")
    assert refused.value.field == "password"
    reset_password(db, planner, SECRET)
    db.commit()
    assert planner.check_password(SECRET)


# --- pages -----------------------------------------------------------------------------------


def test_the_admin_creates_a_planner_who_can_then_log_in(app, client, db: Session, admin: User) -> None:
    response = submit(client, "/admin/accounts/new", {
        "email": "planner@gemeente.nl", "name": "Plan Ner", "role": "planner",
        "municipalities": ["Utrecht", "Amersfoort"], "password": SECRET})
    assert response.status_code == 302
    listing = text(client.get("/admin/accounts/"))
    assert "planner@gemeente.nl" in listing and "Amersfoort, Utrecht" in listing
    planner = app.test_client()
    login(planner, "planner@gemeente.nl", SECRET)
    assert planner.get("/planning/learners").status_code == 200


# 200: the form's own validators refused it; 400: the service did (a DomainError at that field)
@pytest.mark.parametrize(("data", "error_id", "status"), [
    ({"municipalities": []}, "municipalities-error", 400),
    ({"municipalities": ["Atlantis"]}, "municipalities-error", 400),
    ({"email": "nope"}, "email-error", 200),
    ({"password": "short"}, "password-error", 400),
])
def test_the_create_page_shows_field_errors_and_stores_nothing(
    client, db: Session, admin: User, data: dict, error_id: str, status: int
) -> None:
    form = {"email": "p@gemeente.nl", "name": "P", "role": "planner", "municipalities": ["Utrecht"],
            "password": SECRET} | data
    response = submit(client, "/admin/accounts/new", form)
    assert response.status_code == status and f'id="{error_id}"' in text(response)
    assert count_rows(db, User) == 1  # only the admin


def test_a_duplicate_email_is_a_field_error(client, db: Session, admin: User) -> None:
    response = submit(client, "/admin/accounts/new", {
        "email": admin.email.upper(), "name": "X", "role": "platform_admin", "password": SECRET})
    assert 'id="email-error"' in text(response) and "al een account" in text(response)


def test_the_admin_deactivates_and_reactivates_a_planner(app, client, db: Session, admin: User) -> None:
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    other = app.test_client()
    login(other, planner.email)
    token = csrf_token(client, "/admin/accounts/")
    response = client.post(f"/admin/accounts/{planner.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 302
    db.refresh(planner)
    assert not planner.active and other.get("/planning/learners").status_code == 302
    client.post(f"/admin/accounts/{planner.id}/reactivate", data={"csrf_token": token})
    db.refresh(planner)
    assert planner.active


def test_the_admin_cannot_deactivate_themself_through_the_page(client, db: Session, admin: User) -> None:
    listing = text(client.get("/admin/accounts/"))
    assert f"/admin/accounts/{admin.id}/deactivate" not in listing
    response = submit(client, "/admin/accounts/", {}, action=f"/admin/accounts/{admin.id}/deactivate",
                      follow_redirects=True)
    assert "eigen account" in text(response)
    db.refresh(admin)
    assert admin.active


def test_a_post_without_csrf_token_changes_nothing(client, db: Session, admin: User) -> None:
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    assert client.post(f"/admin/accounts/{planner.id}/deactivate").status_code == 400
    db.refresh(planner)
    assert planner.active


def test_the_admin_resets_a_planners_password(app, client, db: Session, admin: User) -> None:
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    page = f"/admin/accounts/{planner.id}/password"
    assert 'id="password-error"' in text(submit(client, page, {"password": "short"}))
    assert submit(client, page, {"password": "another long secret"}).status_code == 302
    login(app.test_client(), planner.email, "another long secret")


def test_provider_staff_are_not_managed_here(client, db: Session, admin: User) -> None:
    teacher = make_user(db, make_provider(db), role=Role.TEACHER)
    assert client.get(f"/admin/accounts/{teacher.id}/password").status_code == 404
    token = csrf_token(client, "/admin/accounts/")
    response = client.post(f"/admin/accounts/{teacher.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 404
    assert teacher.email not in text(client.get("/admin/accounts/"))


@pytest.mark.parametrize("role", [Role.PLANNER, Role.PROVIDER_ADMIN])
def test_other_roles_are_refused(app, db: Session, role: Role) -> None:
    provider = make_provider(db) if role == Role.PROVIDER_ADMIN else None
    user = make_user(db, provider, role=role, municipalities=("Utrecht",) if role == Role.PLANNER else ())
    client = app.test_client()
    login(client, user.email)
    assert client.get("/admin/accounts/").status_code == 403
    assert client.get("/admin/accounts/new").status_code == 403


def test_the_command_line_gives_the_same_refusals_in_english(app, db: Session) -> None:
    runner = app.test_cli_runner()
    base = ["users", "create", "--email", "p@gemeente.nl", "--name", "P", "--password", SECRET]
    refused = runner.invoke(args=[*base, "--role", "planner", "--municipality", "Atlantis"])
    assert refused.exit_code == 2 and "Unknown municipality: Atlantis." in refused.output
    made = runner.invoke(args=[*base, "--role", "planner", "--municipality", "Utrecht"])
    assert made.exit_code == 0, made.output
    again = runner.invoke(args=[*base, "--role", "planner", "--municipality", "Utrecht"])
    assert again.exit_code == 2 and "already exists" in again.output
    assert count_rows(db, User) == 1 and count_rows(db, PlannerMunicipality) == 1
