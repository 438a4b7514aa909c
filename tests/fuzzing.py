"""Helpers of the fuzz test (tests/provider_portal/test_fuzz_forms.py): POST forms read from pages,
hostile values and files drawn by hypothesis, and a fingerprint of the whole database.

The test discovers every POST rule of the app, finds the form that posts to it by walking the pages
each role is shown, and posts drawn values; these helpers hold what does not depend on the app.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlmodel import SQLModel

import provider_portal.models  # noqa: F401  (registers every table)

# --- hypothesis profile ----------------------------------------------------------------------------
# CI: a fixed seed (derandomize) and a few examples per form, so both database runs stay under a
# minute; FUZZ_EXAMPLES=200 (say) for a long local run, then derandomize only if FUZZ_SEED is set.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0") or 0)
FUZZ = settings(
    max_examples=EXAMPLES or 4,
    deadline=None,
    derandomize=not EXAMPLES or bool(os.environ.get("FUZZ_SEED")),
    database=None,  # no example database on disk: every run is the same run
    suppress_health_check=list(HealthCheck),  # slow requests and function-scoped fixtures are fine here
    phases=(Phase.explicit, Phase.generate),  # no shrinking: a failure reports the request it sent
)

# --- hostile values --------------------------------------------------------------------------------
HUGE = "x" * 140_000  # over the 131,072 characters of a CSV cell, under the 10 MB upload limit
NASTY: tuple[str, ...] = (
    "",  # first: hypothesis tries it first, so destructive forms meet bad input before a good one
    " ",
    "\x00",
    "a\x00b",
    HUGE,
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",  # Arabic (RTL)
    "👩🏽‍🏫🇳🇱",  # emoji with a skin tone, a ZWJ sequence and a flag
    "e\u0301\u0301\u0301\u0327",  # combining marks
    "\ufeff",
    "2147483647",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "1e309",
    "-1e309",
    "NaN",
    "nan",
    "Infinity",
    "-0",
    "-0.0",
    "0,001",
    "1.000.000,99",
    "12.345678901234567890",
    "9999-12-31",
    "0000-00-00",
    "0001-01-01",
    "2026-02-30",
    "2026-13-01",
    "31-12-9999",
    "99999-01-01",
    "2026-W53",
    "25:61",
    "24:00",
    "line\r\nbreak",
    "\r\n",
    "Location: /evil\r\nSet-Cookie: x=1",
    "<a href=\"https://evil.example\">klik</a>",
    "<img src=\"/etc/passwd\"/>",
    "<para><link href=\"https://evil.example\">x</link></para>",
    "<font name=\"/etc/passwd\">x</font>",
    "<b>",
    "&lt;&amp;",
    "=HYPERLINK(\"https://evil.example\",\"klik\")",
    "+31 6 1234",
    "-1",
    "@SUM(A1)",
    "2026-Q9",
    "2026-Q0",
    "9999-Q4",
    "'; DROP TABLE learner; --",
    "%s%(x)s{0}",
    "../../etc/passwd",
    "ＡＢＣ１２３",  # full-width letters and digits
    "İı",
)
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)  # no lone surrogates
NUMBERS = st.one_of(st.integers(min_value=-(2**65), max_value=2**65).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr))
VALUE = st.one_of(st.sampled_from(NASTY), TEXT, NUMBERS, st.dates().map(str))
EXTRA_NAMES = ("status-abc", "status-99999999999", "x\x00", "", "provider_id", "id", "role", "csrf_token2",
               "next", "__class__", "version", "teachers", "lesson")


# What a user types into an empty field of that name (by the forms' field names), so a form whose
# fields start empty can still be sent valid but for the one hostile field.
FILLED = {
    "first_name": "Amina", "last_name": "Haddad", "date_of_birth": "1990-05-17", "municipality": "Utrecht",
    "postcode": "3511 AB", "duo_term_start": "2026-01-01", "loan_amount": "10000", "number": "C-FUZZ-1",
    "start_date": "2026-06-01", "end_date": "2026-07-31", "purchased_hours": "600", "hourly_rate": "14,50",
    "name": "Fuzz", "level": "A2", "location": "Utrecht", "max_size": "12", "start_1": "09:00",
    "end_1": "12:00", "email": "fuzz@example.nl", "password": "paars konijn op de fiets",
    "new": "paars konijn op de fiets", "confirm": "paars konijn op de fiets", "venue": "Wijkcentrum",
    "first_day": "2026-06-02", "meetings": "4", "start_time": "10:00", "end_time": "12:00",
    "min_size": "1", "cost": "250", "amount": "1000", "quarter": "2026-Q1", "reason": "Dubbel",
    "lesson_date": "2026-06-03", "from_date": "2026-06-01", "to_date": "2026-06-30", "day": "2026-06-02",
    "seats": "10", "examiners": "1", "last_day": "2026-06-30", "time_limit": "5", "paid_on": "2026-05-01",
    "paid_amount": "100", "terminated_on": "2026-05-11", "effective_from": "2026-07-01", "note": "Fuzz",
    "other_provider": "Taalschool Elders", "bsn": "111222333",
}


# --- forms read from a page ------------------------------------------------------------------------
@dataclass
class Field:
    """One named control of a form: its kind, the value a browser would send, and its choices."""

    name: str
    kind: str  # input type, or "select", "textarea", "button"
    value: str = ""
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class PostForm:
    action: str
    fields: list[Field] = field(default_factory=list)

    @property
    def has_file(self) -> bool:
        return any(f.kind == "file" for f in self.fields)

    def as_sent(self) -> dict[str, list[Any]]:
        """What a browser posts when the form is submitted (the first submit button), with empty text
        fields filled in as a user would (`FILLED`), so one hostile field reaches past the others."""
        sent: dict[str, list[Any]] = {}
        buttons = [f for f in self.fields if f.kind in ("button", "submit")]
        for f in self.fields:
            if f.kind in ("button", "submit", "file"):
                continue
            if f.kind in ("checkbox", "radio"):
                if f.options:
                    sent.setdefault(f.name, []).append(f.options[0] if f.kind == "radio" else f.value)
                continue
            sent.setdefault(f.name, []).append(f.value or FILLED.get(f.name, ""))
        if buttons:
            sent.setdefault(buttons[0].name, []).append(buttons[0].value)
        return sent


class _PostReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PostForm] = []
        self.form: PostForm | None = None
        self.select: Field | None = None
        self.option: str | None = None
        self.option_text: list[str] = []
        self.textarea: Field | None = None
        self.radios: dict[str, Field] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.form = PostForm(a.get("action", "")) if a.get("method", "get").lower() == "post" else None
            self.radios = {}
            return
        if self.form is None or (tag in ("input", "select", "textarea", "button") and not a.get("name")):
            if tag == "option" and self.select is not None:
                self.option, self.option_text = a.get("value"), []
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox"):
                known = self.radios.get(a["name"])
                if known is None:
                    known = Field(a["name"], kind, a.get("value", "on"))
                    self.radios[a["name"]] = known
                    self.form.fields.append(known)
                known.options.append(a.get("value", "on"))
                if "checked" in a:
                    known.options.insert(0, known.options.pop())
            elif kind not in ("reset", "image"):
                self.form.fields.append(Field(a["name"], kind, a.get("value", "")))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self.form.fields.append(Field(a["name"], "button", a.get("value", "")))
        elif tag == "select":
            self.select = Field(a["name"], "select", multiple="multiple" in a)
        elif tag == "option" and self.select is not None:
            self.option, self.option_text = a.get("value"), []
            if "selected" in a:
                self.select.value = a.get("value", "")
        elif tag == "textarea":
            self.textarea = Field(a["name"], "textarea")

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self.select is not None:
            value = self.option if self.option is not None else "".join(self.option_text).strip()
            self.select.options.append(value)
            self.option = None
        elif tag == "select" and self.select is not None:
            if self.form is not None:
                if not self.select.value and self.select.options:
                    self.select.value = self.select.options[0]
                self.form.fields.append(self.select)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            if self.form is not None:
                self.form.fields.append(self.textarea)
            self.textarea = None
        elif tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None

    def handle_data(self, data: str) -> None:
        if self.select is not None and self.option is None:
            self.option_text.append(data)
        if self.textarea is not None:
            self.textarea.value += data


def post_forms(html: str) -> list[PostForm]:
    """The POST forms of a page with their named controls."""
    reader = _PostReader()
    reader.feed(html)
    reader.close()
    return reader.forms


# --- drawn submissions ----------------------------------------------------------------------------
def _field_value(f: Field) -> st.SearchStrategy[str]:
    """Hostile first (what hypothesis tries first), then the form's own choices and value."""
    own = [*f.options, f.value] if f.options else [f.value]
    return st.one_of(VALUE, st.sampled_from(own))


@st.composite
def submissions(draw: st.DrawFn, form: PostForm, file_strategy: st.SearchStrategy | None = None
                ) -> dict[str, list[Any]]:
    """The form as a browser would send it, with hostile values, fields left out, doubled or unknown.

    The CSRF token is kept (a refused token only tests Flask-WTF); everything else is fair game."""
    sent = form.as_sent()
    data: dict[str, list[Any]] = {}
    if draw(st.booleans()):  # the form as it is, but one field hostile: reaches past the validators
        data = {name: list(values) for name, values in sent.items()}
        named = [f for f in form.fields
                 if f.name != "csrf_token" and f.kind not in ("file", "button", "submit")]
        if named:
            target = draw(st.sampled_from(named))
            data[target.name] = [draw(_field_value(target))]
        for f in form.fields:
            if f.kind == "file" and file_strategy is not None:
                data[f.name] = [draw(file_strategy)]
        return data
    for f in form.fields:
        if f.kind == "file":
            if file_strategy is not None and draw(st.booleans()):
                data[f.name] = [draw(file_strategy)]
            continue
        if f.name == "csrf_token":
            data[f.name] = sent[f.name]
            continue
        if f.kind in ("button", "submit") and f.name not in sent:
            continue
        mode = draw(st.sampled_from(("hostile", "as sent", "missing", "several")))
        if mode == "missing":
            continue
        if mode == "as sent":
            data[f.name] = list(sent.get(f.name, [f.value]))
        else:
            count = 1 if mode == "hostile" else draw(st.integers(2, 3))
            data[f.name] = [draw(_field_value(f)) for _ in range(count)]
    for _ in range(draw(st.integers(0, 2))):
        data.setdefault(draw(st.sampled_from(EXTRA_NAMES)), []).append(draw(VALUE))
    return data


# Posted into every field of every form before the drawn examples, so even the shortest CI run
# meets each of them everywhere: a NUL byte, a cell over 131,072 characters, a float beyond double
# range, an int beyond 32 bits and the last day of year 9999.
EVERYWHERE = ("a\x00b", HUGE, "1e309", "2147483648", "9999-12-31")


def everywhere(form: PostForm, value: str) -> dict[str, list[Any]]:
    """The form as sent, with `value` in every field but the CSRF token, buttons and files."""
    data = {name: list(values) for name, values in form.as_sent().items()}
    for f in form.fields:
        if f.name != "csrf_token" and f.kind not in ("file", "button", "submit"):
            data[f.name] = [value]
    return data


def as_request_data(data: dict[str, list[Any]]) -> dict[str, Any]:
    """For the Flask test client: one value as itself, several as a list; files as fresh streams."""
    out: dict[str, Any] = {}
    for name, values in data.items():
        fresh = [(io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v for v in values]
        out[name] = fresh[0] if len(fresh) == 1 else fresh
    return out


def describe(data: dict[str, list[Any]]) -> str:
    """A short, printable account of a submission (huge values and files abbreviated)."""
    def short(value: Any) -> str:
        if isinstance(value, tuple):
            return f"<file {value[1]!r}, {len(value[0])} bytes: {value[0][:60]!r}>"
        text = repr(value)
        return text if len(text) <= 80 else f"{text[:60]}... ({len(value)} chars)"
    return "{" + ", ".join(f"{k!r}: [{', '.join(short(v) for v in vs)}]" for k, vs in data.items()) + "}"


# --- hostile bodies for an endpoint a page's script calls ---------------------------------------------
# The type-ahead's script posts one field (`q`) and reads JSON; anything else may arrive: JSON of any
# shape, bytes that are not UTF-8, a charset the form parser does not know, the field as a file or in
# the address, several times or not at all, an empty body. Returned as the test client's keyword
# arguments in plain data (a file as (bytes, name)), made into streams when sent (`as_script_request`).
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), VALUE),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(("q", "Q", "q ", "query", "", "\x00")), inner,
                                            max_size=3)),
    max_leaves=6)
FORM = "application/x-www-form-urlencoded"


@st.composite
def script_bodies(draw: st.DrawFn, name: str = "q") -> dict[str, Any]:
    kind = draw(st.sampled_from(("form", "json", "bytes", "charset", "multipart", "address", "empty")))
    if kind == "form":  # none, one or several values, and unknown fields beside it
        data: dict[str, Any] = {name: draw(st.lists(VALUE, max_size=3))}
        for _ in range(draw(st.integers(0, 2))):
            data.setdefault(draw(st.sampled_from(EXTRA_NAMES)), []).append(draw(VALUE))
        return {"data": data}
    if kind == "json":
        body = draw(st.one_of(st.fixed_dictionaries({name: JSON_VALUES}), JSON_VALUES))
        return {"data": json.dumps(body), "content_type": draw(st.sampled_from(("application/json", FORM)))}
    if kind == "bytes":
        return {"data": f"{name}=".encode() + draw(st.binary(max_size=200)), "content_type": FORM}
    if kind == "charset":
        encoding = draw(st.sampled_from(("utf-16", "utf-32", "latin-1", "cp1252", "x-unknown")))
        codec = "utf-16" if encoding == "x-unknown" else encoding
        text = f"{name}={draw(VALUE)}".encode(codec, errors="replace")
        return {"data": text, "content_type": f"{FORM}; charset={encoding}"}
    if kind == "multipart":
        return {"data": {name: (draw(st.binary(max_size=200)), draw(st.sampled_from(("q.txt", ""))))},
                "content_type": "multipart/form-data"}
    if kind == "address":
        return {"data": {}, "query_string": {name: draw(VALUE)}}
    return {"data": b"", "content_type": draw(st.sampled_from(("application/json", FORM, "text/plain", "")))}


# Sent first to the script's endpoint: the EVERYWHERE values, a missing field, wrong JSON types.
SCRIPT_EXAMPLES: tuple[dict[str, Any], ...] = (
    *({"data": {"q": [value]}} for value in EVERYWHERE),
    {"data": {}},
    {"data": json.dumps({"q": HUGE}), "content_type": "application/json"},
    {"data": json.dumps({"q": ["a", {"b": None}]}), "content_type": "application/json"},
    {"data": json.dumps([1, 2.5, None]), "content_type": "application/json"},
    {"data": b"q=\xff\xfe\x00%00%ff", "content_type": FORM},
)


def as_script_request(body: dict[str, Any]) -> dict[str, Any]:
    """The test client's keyword arguments for a drawn body (files as fresh streams)."""
    out = dict(body)
    data = body.get("data")
    if isinstance(data, dict):
        out["data"] = as_request_data({k: v if isinstance(v, list) else [v] for k, v in data.items()
                                       if v != []})  # an empty list: the field left out
    return out


def describe_body(body: dict[str, Any]) -> str:
    text = repr(body)
    return text if len(text) <= 300 else f"{text[:240]}... ({len(text)} chars)"


# --- hostile import files --------------------------------------------------------------------------
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1")


@st.composite
def table_files(draw: st.DrawFn, header: list[str], good_rows: list[list[str]],
                bad_cells: dict[str, list[str]]) -> tuple[bytes, str, bool]:
    """A CSV or XLSX file from `header` and `good_rows`, mangled: wrong encodings, BOMs, binary, huge
    cells, missing or extra columns, short and long rows, blank rows, a bad row in the middle.

    Returns (content, filename, surely_bad): `surely_bad` when a row holds a value of `bad_cells`
    (required columns only) or the file lost a column: the import must then store nothing."""
    rows = [list(r) for r in draw(st.lists(st.sampled_from(good_rows), min_size=1, max_size=4))]
    head = list(header)
    surely_bad = False
    for change in draw(st.lists(st.sampled_from(
            ("hostile cell", "drop column", "extra column", "short row", "long row", "blank rows",
             "duplicate header", "no rows")), max_size=3)):
        if change == "hostile cell" and rows:
            row = draw(st.sampled_from(rows))
            row[draw(st.integers(0, len(row) - 1))] = draw(VALUE)
        elif change == "drop column" and len(head) > 1:
            gone = draw(st.integers(0, len(head) - 1))
            surely_bad = surely_bad or head[gone] in bad_cells  # a required column missing
            head.pop(gone)
            rows = [r[:gone] + r[gone + 1:] for r in rows]
        elif change == "extra column":
            head.append(draw(st.sampled_from(("opmerking", "", "=1+1", "x\x00"))))
            rows = [[*r, draw(VALUE)] for r in rows]
        elif change == "short row" and rows:
            rows[-1] = rows[-1][:-1]
        elif change == "long row" and rows:
            rows[0] = [*rows[0], "extra"]
        elif change == "blank rows":
            rows.insert(draw(st.integers(0, len(rows))), [""] * len(head))
        elif change == "duplicate header":
            head.append(head[0])
            rows = [[*r, r[0] if r else ""] for r in rows]
        elif change == "no rows":
            rows = []
    usable = sorted(c for c in bad_cells if c in head)
    if usable and draw(st.booleans()):  # a bad row in the middle, after every other change
        good = dict(zip(header, draw(st.sampled_from(good_rows)), strict=True))
        column = draw(st.sampled_from(usable))
        row = [good.get(name, "") for name in head]
        row[head.index(column)] = draw(st.sampled_from(bad_cells[column]))
        rows.insert(draw(st.integers(0, len(rows))), row)
        surely_bad = True
    shape = draw(st.sampled_from(("csv", "csv", "xlsx", "binary", "empty")))
    if shape == "empty":
        return b"", draw(st.sampled_from(("leeg.csv", "leeg.xlsx"))), True
    if shape == "binary":
        blob = draw(st.one_of(st.binary(min_size=1, max_size=300), st.sampled_from(
            (b"PK\x03\x04" + b"\x00" * 40, b"\x89PNG\r\n\x1a\n", b"\xff\xfe\x00\x00", b"%PDF-1.7\n"))))
        return blob, draw(st.sampled_from(("import.csv", "import.xlsx", "import.txt", "import"))), True
    if shape == "xlsx":
        book = Workbook()
        sheet = book.active
        for row in [head, *rows]:
            sheet.append([ILLEGAL_XLSX.sub("", cell) for cell in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), draw(st.sampled_from(("import.xlsx", "import.XLSX", "import.csv"))), surely_bad
    delimiter = draw(st.sampled_from((";", ";", ",", "\t")))
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator=draw(st.sampled_from(("\n", "\r\n", "\r")))
               ).writerows([head, *rows])
    encoding = draw(st.sampled_from(ENCODINGS))
    content = text.getvalue().encode(encoding, errors="replace")
    if draw(st.booleans()) and encoding == "utf-8":
        content = codecs.BOM_UTF8 + content
    return content, draw(st.sampled_from(("import.csv", "IMPORT.CSV", "import.xlsx"))), surely_bad


ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl refuses to write these


# --- the database's fingerprint --------------------------------------------------------------------
def snapshot(engine: sa.Engine) -> dict[str, tuple[int, str]]:
    """Per table: its row count and a hash of all its rows in key order."""
    prints: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            order = ", ".join(f'"{c.name}"' for c in (table.primary_key.columns or table.columns))
            digest = hashlib.sha256()
            count = 0
            for row in conn.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY {order}'):  # noqa: S608
                digest.update(repr(tuple(row)).encode())
                count += 1
            prints[table.name] = (count, digest.hexdigest())
    return prints


class Fingerprints:
    """Snapshots before and after each request; the one after a request is reused as the one before
    the next (pages read in between write nothing; a log-in in between calls `forget`)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.last: dict[str, tuple[int, str]] | None = None

    def before(self) -> dict[str, tuple[int, str]]:
        return self.last if self.last is not None else snapshot(self.engine)

    def after(self) -> dict[str, tuple[int, str]]:
        self.last = snapshot(self.engine)
        return self.last

    def forget(self) -> None:
        self.last = None


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])
