"""Passwords everyone tries first (Dutch and English), refused with digits or signs around them too.

A short list on purpose: together with the 12-character minimum it stops the guesses an attacker
makes before any other; `check_password_policy` strips leading and trailing digits and signs
(`Wachtwoord2026!` is `wachtwoord`) before looking a password up here.
"""

from __future__ import annotations

COMMON_PASSWORDS = frozenset({
    # Dutch
    "wachtwoord", "welkom", "welkomwelkom", "geheim", "geheimwachtwoord", "mijnwachtwoord",
    "nieuwwachtwoord", "wachtwoordwachtwoord", "hallo", "hallohallo", "welkom op school", "voorjaar",
    "zomer", "najaar", "winter", "januari", "februari", "maart", "april", "mei", "juni", "juli",
    "augustus", "september", "oktober", "november", "december", "nederland", "amsterdam", "rotterdam",
    "utrecht", "denhaag", "ajax", "feyenoord", "psv", "schatje", "liefde", "docent", "leerling",
    "cursus", "school", "taalschool", "duo", "beheerder", "financien", "planner", "gemeente",
    # English
    "password", "passw0rd", "passwordpassword", "letmein", "welcome", "welcomewelcome", "iloveyou",
    "admin", "administrator", "qwerty", "qwertyuiop", "qwertyuiopasdf", "asdfghjkl", "azerty",
    "azertyuiop", "abcdef", "abcdefgh", "abcdefghijkl", "abc", "monkey", "dragon", "football",
    "baseball", "sunshine", "princess", "master", "secret", "changeme", "trustno", "superman",
    "starwars", "computer", "internet", "whatever", "summer", "spring", "autumn", "login", "user",
    "teacher", "student", "test", "testtest", "demo", "default", "guest",
    # keyboard and number runs, whole
    "123456789012", "1234567890123", "12345678901234", "123456123456", "111111111111", "000000000000",
    "123123123123", "987654321098", "1q2w3e4r5t6y", "1qaz2wsx3edc", "qwerty123456", "qazwsxedcrfv",
})
# The portal's own name, in letters only: a password with it in is the first an attacker tries here.
PORTAL_NAMES = ("inburgering", "inburgeringplanner")
