"""Demo data: two providers, staff of every role, planners and ~300 plausible learners.

Deterministic (a fixed seed) and idempotent: a second run finds the first provider and changes
nothing. BSNs are generated to pass the elfproef; they belong to nobody.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal import clock
from provider_portal.demo.attendance import seed_attendance
from provider_portal.demo.exam_path import seed_exam_path, seed_policy_figures
from provider_portal.demo.planning import seed_exam_calendar, seed_planning
from provider_portal.learners.service import default_term_end, sync_route_requirements
from provider_portal.models import (
    Contract,
    Learner,
    LearnerConsent,
    LearnerLanguage,
    LearnerModule,
    PlannerMunicipality,
    Provider,
    User,
)
from provider_portal.models.enums import ContractStatus, ModuleStatus, Role
from provider_portal.models.keys import pk
from provider_portal.models.types import to_cents
from provider_portal.reference.municipalities import resolve
from provider_portal.reference.places import BY_NAME, places_in
from provider_portal.users.service import build_user

DEMO_PASSWORD = "rondleiding-demo"
LEARNERS_PER_PROVIDER = 150


@dataclass(frozen=True)
class DemoProvider:
    name: str
    bow: str
    kvk: str
    iban: str
    vat_id: str
    street: str
    postcode: str
    city: str
    domain: str
    municipalities: tuple[str, ...]
    phone: str = ""


PROVIDERS = (
    DemoProvider("Taalhuis Utrecht", "BOW-10231", "30123456", "NL91ABNA0417164300", "NL002455799B11",
                 "Oudegracht 112", "3511AX", "Utrecht", "taalhuis-utrecht.nl",
                 ("Utrecht", "Amersfoort", "Hilversum", "Ede", "Amsterdam", "Almere"), "030 123 45 67"),
    DemoProvider("Maasstad Inburgering", "BOW-20877", "24567890", "NL20INGB0001234567", "NL810433941B01",
                 "Coolsingel 40", "3011AD", "Rotterdam", "maasstad-inburgering.nl",
                 ("Rotterdam", "Dordrecht", "'s-Gravenhage", "Rijswijk (ZH.)", "Delft", "Zoetermeer"),
                 "010 765 43 21"),
)

# Given and family names by the languages learners commonly speak.
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ar": (("Ahmad", "Fatima", "Omar", "Rania", "Yousef", "Lina", "Khaled", "Nour", "Samir", "Hiba"),
           ("Al-Hassan", "Haddad", "Khalil", "Nasser", "Mansour", "Darwish", "Saleh", "Ibrahim")),
    "ti": (("Semere", "Helen", "Yonas", "Selam", "Dawit", "Mebrat", "Kidane", "Saba", "Filmon"),
           ("Tesfay", "Gebremedhin", "Haile", "Berhane", "Tekle", "Weldu", "Kahsay", "Asmerom")),
    "prs": (("Ahmad Shah", "Mariam", "Farid", "Zahra", "Hamid", "Nadia", "Jawed", "Parwana"),
            ("Rahimi", "Ahmadzai", "Sultani", "Noori", "Hashimi", "Karimi", "Popal", "Wardak")),
    "tr": (("Mehmet", "Ayşe", "Emre", "Elif", "Murat", "Zeynep", "Burak", "Derya"),
           ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan")),
    "uk": (("Oleksandr", "Olena", "Andriy", "Iryna", "Dmytro", "Natalia", "Serhiy", "Kateryna"),
           ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko")),
    "so": (("Abdi", "Hodan", "Mohamed", "Amina", "Abdirahman", "Faadumo", "Hassan"),
           ("Warsame", "Abdullahi", "Farah", "Jama", "Osman", "Hersi", "Mohamud")),
    "am": (("Abebe", "Tigist", "Bereket", "Meron", "Yohannes", "Hanna"),
           ("Tadesse", "Bekele", "Alemu", "Girma", "Mekonnen", "Wolde")),
}
LANGUAGE_WEIGHTS = {"ar": 30, "ti": 20, "prs": 12, "tr": 10, "uk": 15, "so": 8, "am": 5}
ROUTE_WEIGHTS = {"B1": 55, "B1-Entree": 10, "onderwijs": 15, "Z": 20}
SECOND_LANGUAGE = {"ar": "en", "ti": "am", "prs": "fa", "tr": "ku", "uk": "ru", "so": "ar", "am": "ti"}


def elfproef_bsn(rng: random.Random) -> str:
    """A random 9-digit number passing the elfproef (9·d1 + … + 2·d8 − d9 ≡ 0 mod 11)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(w * d for w, d in zip(range(9, 1, -1), digits, strict=True)) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


def postcode_in(municipality: str, rng: random.Random) -> str:
    """A postcode inside the municipality's range (letters avoiding SA, SD and SS)."""
    town = BY_NAME[municipality]
    letters = "ABCDEGHJKLMNPRTVWXZ"
    return f"{rng.randint(town.postcode_from, town.postcode_to)}{rng.choice(letters)}{rng.choice(letters)}"


STREETS = ("Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenweg", "Schoolstraat", "Julianastraat",
           "Wilhelminastraat", "Nieuwstraat", "Lindelaan", "Beukenlaan", "Prinses Irenestraat", "Veldweg")


def demo_street(provider_id: int | None, number: int) -> str:
    """A street and house number for the letters; its own generator, so the demo's other draws stay."""
    rng = random.Random(f"street-{provider_id}-{number}")
    return f"{rng.choice(STREETS)} {rng.randint(1, 180)}"


def demo_place(municipality: str, provider_id: int | None, number: int) -> str:
    """A real place of residence in the municipality (`places.csv`): the main place for about half the
    learners, one of the others for the rest, so travel differs within a municipality. Its own
    generator, so the demo's other draws stay."""
    towns = [p.name for p in places_in(municipality)]
    if not towns:
        return ""
    rng = random.Random(f"place-{provider_id}-{number}")
    main = [t for t in towns if resolve(t) == municipality]
    return main[0] if main and rng.random() < 0.5 else rng.choice(towns)


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def seed(session: Session, today: date | None = None) -> tuple[bool, list[tuple[str, str]]]:
    """Create the demo world unless it exists; return (created, [(email, role), ...])."""
    today = today or clock.today()
    logins = _logins()
    exists = session.execute(sa.select(col(Provider.id)).where(col(Provider.bow_number) == PROVIDERS[0].bow))
    if exists.first() is not None:
        learners = session.execute(sa.select(col(User.email),
                                             col(User.role)).where(col(User.role) == Role.LEARNER))
        return False, logins + [(email, role) for email, role in learners]
    rng = random.Random(2026)
    for spec in PROVIDERS:
        provider = _provider(session, spec, today)
        _staff(session, spec, provider.id)
        for number in range(1, LEARNERS_PER_PROVIDER + 1):
            _learner(session, rng, spec, pk(provider), number, today)
        session.flush()
        logins += seed_attendance(session, rng, pk(provider), spec.domain, spec.city, today, DEMO_PASSWORD)
    for email, role in logins:
        if role in (Role.PLANNER, Role.PLATFORM_ADMIN):
            _outside_staff(session, email, role)
    for spec in PROVIDERS:
        seed_planning(session, rng, spec.municipalities[:4], today)
    seed_exam_calendar(session, today)
    _consents(session, today)
    seed_exam_path(session, today)
    seed_policy_figures(session)
    return True, logins


def _consents(session: Session, today: date) -> None:
    """About half the learners agreed to share their progress with the municipality (its own generator)."""
    rng = random.Random(404)
    for learner_id in session.execute(sa.select(col(Learner.id)).order_by(col(Learner.id))).scalars().all():
        if rng.random() < 0.5:
            given_on = today - timedelta(days=rng.randint(0, 200))
            session.add(LearnerConsent(learner_id=learner_id, given_on=given_on, share_hours=True,
                                       share_modules=rng.random() < 0.8, share_exams=rng.random() < 0.7))


def _logins() -> list[tuple[str, str]]:
    staff: list[tuple[str, str]] = [(f"{role.split('_')[-1]}@{p.domain}", role) for p in PROVIDERS
                                    for role in (Role.PROVIDER_ADMIN, Role.TEACHER, Role.FINANCE)]
    return staff + [("planner.utrecht@gemeente-demo.nl", Role.PLANNER),
                    ("planner.rijnmond@gemeente-demo.nl", Role.PLANNER),
                    ("beheer@inburgering-planner.nl", Role.PLATFORM_ADMIN)]


def _outside_staff(session: Session, email: str, role: str) -> None:
    name = email.split("@")[0].replace(".", " ").title()
    user = build_user(email=email, name=name, role=role, password=DEMO_PASSWORD)
    session.add(user)
    if role == Role.PLANNER:
        session.flush()
        spec = PROVIDERS[0] if "utrecht" in email else PROVIDERS[1]
        session.add_all(PlannerMunicipality(user_id=pk(user), municipality=town)
                        for town in spec.municipalities[:4])


def _provider(session: Session, spec: DemoProvider, today: date) -> Provider:
    provider = Provider(name=spec.name, bow_number=spec.bow, kvk_number=spec.kvk, iban=spec.iban,
                        vat_id=spec.vat_id, street=spec.street, postcode=spec.postcode, city=spec.city,
                        phone=spec.phone, email=f"info@{spec.domain}",
                        keurmerk_valid_from=date(today.year - 2, 1, 1),
                        keurmerk_valid_until=date(today.year + 1, 12, 31))
    session.add(provider)
    session.flush()
    return provider


def _staff(session: Session, spec: DemoProvider, provider_id: int | None) -> None:
    for email, role in _logins():
        if email.endswith("@" + spec.domain):
            name = {"admin": "Beheerder", "teacher": "Docent", "finance": "Financiën"}[email.split("@")[0]]
            session.add(build_user(email=email, name=f"{name} {spec.city}", role=role,
                                   password=DEMO_PASSWORD, provider_id=provider_id))


def _learner(session: Session, rng: random.Random, spec: DemoProvider, provider_id: int,
             number: int, today: date) -> None:
    language = _weighted(rng, LANGUAGE_WEIGHTS)
    given, family = NAMES[language]
    start = today - timedelta(days=rng.randint(20, 1040))
    municipality = rng.choice(spec.municipalities)
    learner = Learner(
        provider_id=provider_id, bsn=elfproef_bsn(rng), first_name=rng.choice(given),
        last_name=rng.choice(family), date_of_birth=date(rng.randint(1965, 2006), rng.randint(1, 12),
                                                         rng.randint(1, 28)),
        migrant_type=rng.choices(["asiel", "gezin", "overig"], weights=[65, 30, 5])[0],
        route=_weighted(rng, ROUTE_WEIGHTS), municipality=municipality,
        postcode=postcode_in(municipality, rng), duo_term_start=start,
        street_address=demo_street(provider_id, number), place=demo_place(municipality, provider_id, number),
        duo_term_end=default_term_end(start), loan_amount_cents=to_cents(Decimal(10000)),
    )
    session.add(learner)
    session.flush()
    spoken = {language} | ({SECOND_LANGUAGE[language]} if rng.random() < 0.4 else set())
    session.add_all(LearnerLanguage(learner_id=pk(learner), language=code) for code in spoken)
    sync_route_requirements(session, learner)
    session.flush()
    _progress_modules(session, rng, learner, start, today)
    _contract(session, rng, learner, spec, number, start, today)


def _progress_modules(session: Session, rng: random.Random, learner: Learner, start: date,
                      today: date) -> None:
    months = (today - start).days / 30
    rows = session.execute(sa.select(LearnerModule).where(col(LearnerModule.learner_id) == learner.id))
    for row in rows.scalars():
        roll = rng.random()
        if roll < min(0.8, months / 30):
            row.status = ModuleStatus.DONE
        elif roll < min(0.9, months / 20):
            row.status = ModuleStatus.PLANNED
        elif row.module == "MAP" and roll > 0.97:
            row.status = ModuleStatus.EXEMPT


def _contract(session: Session, rng: random.Random, learner: Learner, spec: DemoProvider, number: int,
              start: date, today: date) -> None:
    hours = rng.choice([400, 500, 600, 700]) if learner.route != "Z" else 800
    rate = Decimal(rng.choice(["12.50", "13.75", "14.50"]))
    contract = Contract(provider_id=learner.provider_id, learner_id=pk(learner),
                        number=f"{spec.bow[-5:]}-{start.year}-{number:04d}", start_date=start,
                        end_date=min(default_term_end(start), start + timedelta(days=rng.randint(500, 900))),
                        purchased_hours=hours, hourly_rate_cents=to_cents(rate),
                        total_price_cents=to_cents(rate * hours))
    if contract.end_date < today:
        contract.status = ContractStatus.COMPLETED
    elif rng.random() < 0.04:
        contract.status, contract.terminated_on = ContractStatus.TERMINATED, today - timedelta(days=30)
        contract.termination_reason = "Verhuisd naar een andere gemeente"
    session.add(contract)
