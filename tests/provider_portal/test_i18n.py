"""Every text of the portal has its Dutch translation, with the same placeholders."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)s")
METHODS = [("provider_portal/**.py", "python"), ("provider_portal/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _extracted() -> Catalog:
    catalog = Catalog()
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        catalog.add(message, locations=[(filename, lineno)])
    buffer = BytesIO()
    write_po(buffer, catalog)
    buffer.seek(0)
    return read_po(buffer)


def test_every_message_in_the_code_has_a_dutch_translation() -> None:
    with (ROOT / "provider_portal/translations/nl/LC_MESSAGES/messages.po").open("rb") as po:
        dutch = read_po(po)
    missing = [m.id for m in _extracted() if m.id and not (dutch.get(m.id) and dutch.get(m.id).string)]
    assert missing == [], "run `make translations` and translate these in messages.po"


def test_translations_keep_their_placeholders() -> None:
    with (ROOT / "provider_portal/translations/nl/LC_MESSAGES/messages.po").open("rb") as po:
        dutch = read_po(po)
    for message in dutch:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, message.id
